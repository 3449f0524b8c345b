/** Entry of the `floe` command (bin/floe.mjs): the commands live in cli/. */
import { runCli } from './cli/index.js'

void runCli(process.argv.slice(2))
