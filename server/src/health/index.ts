/**
 * Health: `/health` (the process is alive) and `/ready` (each dependency checked, with latency),
 * and the checks themselves. It owns no dependency: the boot code hands in what to probe.
 */
export { healthRouter, type ReadinessCheck, type CheckResult } from './router.js'
export { readinessChecks, type ReadinessTargets } from './checks.js'
