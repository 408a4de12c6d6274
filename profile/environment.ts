// The target environment that section conditions are evaluated against:
// facts about the Python interpreter (asked only when a condition needs
// one, and remembered per interpreter: python-probe.ts) and about the
// machine (from Node). `--env key=value` overrides any of them, so a
// profile can be checked for another target.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { probePython } from './python-probe.ts';

export interface PythonFacts {
  /** sys.version_info[:3] */
  version: [number, number, number];
  releaseLevel: string;
  serial: number;
  /** 'cpython', 'pypy', … (sys.implementation.name) */
  implementation: string;
  /** sys.version */
  versionText: string;
}

/** Keys accepted by `--env`. */
export const ENV_KEYS = ['python', 'implementation', 'platform', 'machine', 'system', 'release', 'version', 'bits', 'byteorder', 'os-name'] as const;
export type EnvKey = (typeof ENV_KEYS)[number];

const DEFAULT_PYTHON: PythonFacts = {
  version: [3, 11, 2],
  releaseLevel: 'final',
  serial: 0,
  implementation: 'cpython',
  versionText: '3.11.2 (main) [GCC]',
};

export class TargetEnvironment {
  private python: PythonFacts | undefined;
  private osRelease: Record<string, string> | undefined;
  /** Set when the interpreter could not be asked and defaults were used. */
  warning: string | undefined;

  constructor(
    private readonly executable: string,
    private readonly overrides: Partial<Record<EnvKey, string>> = {},
  ) {}

  pythonFacts(): PythonFacts {
    if (this.python) return this.python;
    const o = this.overrides;
    if (o.python) {
      const parts = o.python.split('.').map((x) => Number.parseInt(x, 10));
      const impl = o.implementation ?? 'cpython';
      const version: [number, number, number] = [parts[0] ?? 3, parts[1] ?? 0, parts[2] ?? 0];
      this.python = {
        version,
        releaseLevel: 'final',
        serial: 0,
        implementation: impl,
        versionText: `${version.join('.')} ${impl === 'pypy' ? '[PyPy]' : '(main) [GCC]'}`,
      };
      return this.python;
    }
    const answer = probePython(this.executable);
    if (answer) {
      const [v, level, serial, impl, text] = answer;
      this.python = { version: v, releaseLevel: level, serial, implementation: o.implementation ?? impl, versionText: text };
      return this.python;
    }
    this.warning = `could not run ${this.executable} to learn the Python version; conditions assume Python ${DEFAULT_PYTHON.version.join('.')} (use --env python=X.Y)`;
    this.python = { ...DEFAULT_PYTHON, implementation: o.implementation ?? DEFAULT_PYTHON.implementation };
    return this.python;
  }

  /** sys.platform */
  sysPlatform(): string {
    if (this.overrides.platform) return this.overrides.platform;
    const p = process.platform;
    return p === 'win32' ? 'win32' : p === 'darwin' ? 'darwin' : p === 'linux' ? 'linux' : p;
  }

  /** os.name */
  osName(): string {
    return this.overrides['os-name'] ?? (this.sysPlatform() === 'win32' ? 'nt' : 'posix');
  }

  /** platform.machine() */
  machine(): string {
    if (this.overrides.machine) return this.overrides.machine;
    const a = os.arch();
    return (
      { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', arm: 'armv7l', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loongarch64' } as Record<string, string>
    )[a] ?? a;
  }

  /** platform.system() */
  system(): string {
    if (this.overrides.system) return this.overrides.system;
    const p = this.sysPlatform();
    return p === 'linux' ? 'Linux' : p === 'darwin' ? 'Darwin' : p === 'win32' ? 'Windows' : os.type();
  }

  /** platform.release() */
  release(): string {
    return this.overrides.release ?? os.release();
  }

  /** platform.version() */
  version(): string {
    return this.overrides.version ?? os.version();
  }

  bits(): number {
    return Number(this.overrides.bits ?? (os.arch().includes('64') || os.arch() === 's390x' ? 64 : 32));
  }

  byteorder(): string {
    return this.overrides.byteorder ?? (os.endianness() === 'LE' ? 'little' : 'big');
  }

  /** platform.freedesktop_os_release() */
  freedesktopOsRelease(): Record<string, string> {
    if (this.osRelease) return this.osRelease;
    const out: Record<string, string> = { NAME: 'Linux', ID: 'linux', PRETTY_NAME: 'Linux' };
    for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
        if (!m) continue;
        let v = m[2]!;
        if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
        out[m[1]!] = v.replace(/\\(["'\\$`])/g, '$1');
      }
      this.osRelease = out;
      return out;
    }
    throw new Error('freedesktop_os_release: no os-release file');
  }
}

export function parseEnvOverrides(specs: string[]): Partial<Record<EnvKey, string>> {
  const out: Partial<Record<EnvKey, string>> = {};
  for (const spec of specs) {
    for (const item of spec.split(',')) {
      if (!item.trim()) continue;
      const eq = item.indexOf('=');
      const key = item.slice(0, eq).trim();
      if (eq < 0 || !(ENV_KEYS as readonly string[]).includes(key)) {
        throw new Error(`--env: expected KEY=VALUE with KEY one of ${ENV_KEYS.join(', ')}, got '${item}'`);
      }
      out[key as EnvKey] = item.slice(eq + 1).trim();
    }
  }
  return out;
}
