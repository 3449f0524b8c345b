/**
 * The bench's no-op job: measures the queue, not the work. Plain JavaScript (a `{ run }` object
 * needs no `defineHandler`), so it loads in a source checkout (tsx) and in a built copy
 * (FLOE_RUN_FROM_DIST=1, what the Docker image runs) alike.
 */
export default { run: () => null }
