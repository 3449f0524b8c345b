-- Jobs: the relay deletes an outbox row in the transaction that hands it to BullMQ, instead of
-- stamping `sent_at` and deleting it a day later.
--
-- Why: the outbox is a transport, not a history. BullMQ keeps every job it accepted for the
-- retention window (JOBS_RETENTION_S; failed ones 7 times longer), which is where job state is
-- read. The stamp was a second write per job (an UPDATE that could not be HOT, since `sent_at` is
-- in the partial index's predicate, so a new heap tuple and a new entry in both indexes), plus the
-- later DELETE; and it kept queued emails, one-time links included, in this table for a day after
-- they were sent. The guarantee is unchanged: the DELETE commits only after BullMQ accepted the
-- rows; a crash in between rolls it back, and the next relay adds the rows again under the same
-- job ids, which BullMQ ignores.
--
-- Every row left in the table now waits to be sent, so the primary key orders the relay's scan and
-- the partial index goes (one index entry less per enqueue).
delete from floe.outbox where sent_at is not null;
drop index floe.outbox_unsent_idx;
alter table floe.outbox drop column sent_at;
