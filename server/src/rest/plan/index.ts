/**
 * Plan: the second stage of the data API. Checks a parsed ApiRequest against the SchemaCache —
 * tables, columns, relationships, functions — and produces typed plans in which every SQL-visible
 * name is decided. Errors are PostgREST's (PGRST2xx, and 42703 for unknown columns). No SQL here.
 */
export { planRead, planReadTree, getTable, type PlanContext } from './read-plan.js'
export { DEFAULT_LIMITS, type PlanLimits } from './limits.js'
export { planMutation } from './mutation-plan.js'
export { planCall, findFunction } from './call-plan.js'
export { findRelationship, isToOne } from './find-relationship.js'
export type * from './types.js'
