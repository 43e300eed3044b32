/**
 * The Gcore emulator as a standalone server, for the CI job that runs the action
 * with `uses: ./` and for trying the action or the CLI by hand:
 *
 *   npm run emulator -- --port 8787 --key test-key [--window 1] [--resource id=1,slice=on] [--fault prefetch:2=cut-body]
 *
 * Prints one line with the API, edge and origin URLs, then each request as it
 * is answered, until SIGINT or SIGTERM. `--help` lists every flag.
 */
import { HELP, parseCliArgs, type CliConfig } from './cli-args.js'
import { GcoreEmulator, type RequestEvent } from './gcore-emulator.js'

function describe(event: RequestEvent): string {
  const time = new Date().toISOString().slice(11, 23)
  if (event.server === 'edge') {
    const { method, url, host, range, status, cache, bytes } = event.request
    return `${time} edge ${method} ${url}${host ? ` [${host}]` : ''}${range ? ` (${range})` : ''} → ${status}${cache ? ` ${cache}` : ''} ${bytes} B`
  }
  if (event.server === 'origin') {
    const { source, method, path, host, range, status, version, fault } = event.request
    const details = [host ? `[${host}]` : '', range ? `(${range})` : ''].filter(Boolean).join(' ')
    const named = version === undefined ? '' : typeof version === 'number' ? ` v${version}` : ` ${version}`
    return `${time} origin #${source} ${method} ${path}${details ? ` ${details}` : ''} → ${status}${named}${fault ? ` (fault: ${fault})` : ''}`
  }
  const { method, url, answer, fault } = event.request
  return `${time} api  ${method} ${url} → ${answer}${fault && fault !== answer ? ` (fault: ${fault})` : ''}`
}

function headline(config: CliConfig, api: string, edge: string, origins: string[], proxy: string | null): string {
  const { options } = config
  const resources = options.resources ? `resources ${options.resources.map(resource => resource.id).join(', ')}` : 'any numeric resource ID'
  const extras = [
    options.restrictedKeys?.length ? `${options.restrictedKeys.length} restricted key(s)` : '',
    config.faults.length ? `${config.faults.length} fault rule(s)` : ''
  ].filter(Boolean)
  const origin = origins.map((url, index) => `#${index} ${url}`).join(', ')
  return `Gcore emulator: API ${api} · edge ${edge} · origin ${origin}${proxy ? ` · proxy ${proxy}` : ''} · key "${options.apiKey}" · rate window ${options.windowMs! / 1000} s · ${resources}${extras.length ? ` · ${extras.join(' · ')}` : ''}`
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>
  try {
    parsed = parseCliArgs(argv)
  } catch (error) {
    console.error(`error: ${(error as Error).message}\nRun with --help for the options.`)
    return 2
  }
  if (parsed.help) {
    console.log(HELP)
    return 0
  }
  const { config } = parsed
  let emulator: GcoreEmulator
  try {
    emulator = new GcoreEmulator({ ...config.options, onRequest: config.quiet ? undefined : event => console.log(describe(event)) })
  } catch (error) {
    console.error(`error: ${(error as Error).message}\nRun with --help for the options.`)
    return 2
  }
  for (const rule of config.faults) emulator.inject(rule)
  let api: string
  let edge: string
  let proxy: string | null = null
  try {
    api = await emulator.start(config.port)
    edge = await emulator.startEdge(undefined, config.edgePort)
    if (config.proxyPort !== undefined) proxy = await emulator.startProxy(config.proxyPort)
  } catch (error) {
    await emulator.stop()
    console.error(`error: cannot listen on 127.0.0.1 (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
    return 1
  }
  for (const { path, file, delivery } of config.publications) {
    try {
      emulator.publish(path, file, delivery)
    } catch (error) {
      await emulator.stop()
      console.error(`error: --publish: ${(error as Error).message}`)
      return 2
    }
  }
  console.log(headline(config, api, edge, emulator.originUrls, proxy))
  await new Promise<void>(resolve => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve())
  })
  await emulator.stop()
  return 0
}

process.exitCode = await main(process.argv.slice(2))
