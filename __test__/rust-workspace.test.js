// The Rust workspace's manifest says what is true of it: `rust-version` is the oldest Rust that
// builds and tests the workspace as locked (the newest `rust-version` any locked package
// declares), and every workspace dependency is one a member uses. Read from `cargo metadata`,
// which resolves the lockfile without building or fetching anything.

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const repo = fileURLToPath(new URL('../', import.meta.url))
const metadata = JSON.parse(
  execFileSync('cargo', ['metadata', '--format-version', '1', '--locked', '--offline'], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }),
)
const members = metadata.packages.filter((pkg) => metadata.workspace_members.includes(pkg.id))

/** `1.88` and `1.88.0` alike, as a number comparable to another. */
const versionKey = (version) =>
  version
    .split('.')
    .map(Number)
    .reduce((key, part, index) => key + part * 1000 ** (2 - index), 0)

/** The `[workspace.dependencies]` names of the root Cargo.toml. */
function workspaceDependencies() {
  const manifest = readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8')
  const table = /^\[workspace\.dependencies\]\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(manifest)[1]
  return [...table.matchAll(/^([\w-]+)\s*=/gm)].map((match) => match[1])
}

describe('the Rust workspace manifest', () => {
  test('every member declares the workspace rust-version, the newest any locked package needs', () => {
    const declared = new Set(members.map((pkg) => pkg.rust_version))
    expect([...declared], 'members inherit one rust-version (rust-version.workspace = true)').toHaveLength(1)
    const [msrv] = declared
    expect(msrv).toBeTruthy()
    const others = metadata.packages.filter((pkg) => !metadata.workspace_members.includes(pkg.id) && pkg.rust_version)
    const newest = others.reduce((a, b) => (versionKey(b.rust_version) > versionKey(a.rust_version) ? b : a))
    expect(
      versionKey(msrv),
      `rust-version ${msrv}, but ${newest.name} ${newest.version} needs ${newest.rust_version}`,
    ).toBe(versionKey(newest.rust_version))
  })

  test('every workspace dependency is used by a member', () => {
    const used = new Set(members.flatMap((pkg) => pkg.dependencies.map((dependency) => dependency.name)))
    expect(workspaceDependencies().filter((name) => !used.has(name))).toEqual([])
  })
})
