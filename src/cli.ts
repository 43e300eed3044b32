#!/usr/bin/env node
import { main } from './command.js'

// A request may still be in flight after Ctrl-C: exit rather than wait for its socket.
process.exit(await main(process.argv.slice(2), process.env, '1.0.0'))
