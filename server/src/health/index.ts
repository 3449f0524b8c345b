/**
 * Health: `/health` (the process is alive) and `/ready` (each dependency checked, with latency).
 * It owns no dependency: checks are handed in by the boot code.
 */
export { healthRouter, type ReadinessCheck, type CheckResult } from './router.js'
