// slapos.cookbook:cron.d (docs/slapos-recipes.md#crond): writes
// `<cron-entries>/<name>` holding "<spec> <command>\n", the spec being
// `frequency` (a crontab spec) or `time` (a systemd calendar spec, converted
// by systemdToCron as slapos.cookbook's dcron.systemd_to_cron does). Returns
// the file; update = install (a re-run rewrites nothing when the entry is
// unchanged).
import { join } from 'node:path';
import { strRepr } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { writeIfChanged } from '../lib/files.ts';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_OF_WEEK = new Map<string, number>();
DAYS.forEach((d, i) => {
  DAY_OF_WEEK.set(d, i);
  DAY_OF_WEEK.set(d.slice(0, 3), i);
});

const SYMBOLIC: Record<string, string> = {
  minutely: '* * * * *',
  hourly: '0 * * * *',
  daily: '0 0 * * *',
  weekly: '0 0 * * 0',
  monthly: '0 0 1 * *',
  yearly: '0 0 1 1 *',
};

class Invalid extends Error {}

/** Python's int() of a decimal string (leading/trailing whitespace, a sign and `_` separators allowed). */
function pyInt(text: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) throw new Invalid();
  return Number(t.replaceAll('_', ''));
}

/**
 * A systemd.time(7) calendar spec as a crontab spec: `minutely` … `yearly`,
 * `[DOW[,DOW…]] [[*-]MM-DD] [HH:MM[:00]]` with ranges and lists; a step
 * (`a/b`) only where a is the field's first value, as dcron reads it. Years,
 * seconds other than 0, and a day of month together with days of the week
 * are refused.
 */
export function systemdToCron(spec: string): string {
  if (Object.hasOwn(SYMBOLIC, spec)) return SYMBOLIC[spec]!;
  if (!spec.trim()) throw new Invalid();
  const words = spec.split(' ');
  let dow = '*';
  const days = words[0]!.split(',').filter(Boolean);
  const mapped = days.map((x) => x.split('-').length <= 2 && x.split('-').every((d) => DAY_OF_WEEK.has(d.toLowerCase())));
  if (mapped.every(Boolean)) {
    dow = days
      .map((x) => {
        const i = x.indexOf('-');
        const ends = i < 0 ? [x] : [x.slice(0, i), x.slice(i + 1)];
        return ends.map((d) => String(DAY_OF_WEEK.get(d.toLowerCase()))).join('-');
      })
      .sort()
      .join(',');
    words.shift();
  }
  let dayText = words.length ? words.shift()! : '*-*';
  let timeText: string;
  if (words.length) {
    if (words.length !== 1) throw new Invalid();
    timeText = words[0]!;
  } else if (dayText.includes(':')) {
    timeText = dayText;
    dayText = '*-*';
  } else timeText = '0:0';
  const day = dayText.split('-');
  const time = timeText.split(':');
  if (day.length > 2 && day.shift() !== '*') throw new Invalid(); // years
  if (day.length !== 2 || time.length !== 2 && time.length !== 3) throw new Invalid();
  if (dow !== '*' && day[1] !== '*') throw new Invalid(); // day of month with days of the week
  if (time.length > 2 && pyInt(time.pop()!)) throw new Invalid(); // seconds
  const [month, dom] = day as [string, string];
  const [hour, minute] = time as [string, string];
  const fields = [minute, hour, dom, month, dow];
  const ranges: [number, number][] = [
    [0, 60],
    [0, 24],
    [1, 31],
    [1, 12],
  ];
  ranges.forEach(([first, size], i) => {
    const field = fields[i]!;
    if (field === '*') return;
    for (const item of field.split(',')) {
      const slash = item.indexOf('/');
      const start = pyInt(slash < 0 ? item : item.slice(0, slash));
      const a = start - first;
      if (a < 0 || a >= size) throw new Invalid();
      if (slash < 0) continue;
      const step = pyInt(item.slice(slash + 1));
      if (a !== 0 || step <= 0 || step >= size) throw new Invalid();
    }
  });
  return fields.join(' ');
}

export const cronD: RecipeModule = {
  names: ['slapos.cookbook:cron.d'],
  pureInit: true,
  schema: {
    doc: 'Writes one crontab entry.',
    options: {
      'cron-entries': { doc: 'the directory of cron entries (read by dcron)' },
      name: { doc: 'the file name of the entry' },
      command: { doc: 'the command to run' },
      frequency: { doc: 'a crontab spec (minute hour day month day-of-week)' },
      time: { doc: 'a systemd calendar spec (daily, Mon..Fri 08:00, *-*-1 00:00, …), used when frequency is not given' },
      'once-a-day': { doc: 'run once a day at a time derived from the entry (not supported by tsbuildout)' },
    },
    required: ['cron-entries', 'name', 'command'],
    oneOf: [['frequency', 'time', 'once-a-day']],
    generated: [],
  },
  init({ options }) {
    let periodicity = options.get('frequency');
    if (periodicity === undefined) {
      const time = options.require('time');
      try {
        periodicity = systemdToCron(time);
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        throw new RecipeError(`Invalid systemd calendar spec ${strRepr(time)}`);
      }
    }
    const file = join(options.require('cron-entries'), options.require('name'));
    const line = `${periodicity} ${options.require('command')}\n`;
    const install = () => [writeIfChanged(file, line)];
    return { install, update: install };
  },
};
