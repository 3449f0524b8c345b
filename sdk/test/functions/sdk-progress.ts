/**
 * A job handler for the SDK's tests (FLOE_FUNCTIONS_DIR): reports progress twice, pausing so a
 * poller sees each step, then returns its payload doubled. A plain `{ run }` object, as the
 * README allows, so the SDK does not import the server.
 */
interface Ctx {
  progress(value: number | Record<string, unknown>): Promise<void>
}

export default {
  async run(payload: { n: number; step_ms?: number }, ctx: Ctx): Promise<{ doubled: number }> {
    const pause = () => new Promise((r) => setTimeout(r, payload.step_ms ?? 400))
    await ctx.progress(25)
    await pause()
    await ctx.progress({ step: 'almost', pct: 75 })
    await pause()
    return { doubled: payload.n * 2 }
  },
}
