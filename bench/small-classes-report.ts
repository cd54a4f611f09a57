/** The many-small-classes and tally-cost tables, against PRODUCT.md's budgets. */
import { renderMarkdown, renderText } from './report.js';
import type { RestartResult } from './restart.js';
import type { SmallClassesResult, TallyCostRow } from './small-classes.js';

type Table = Parameters<typeof renderText>[0];

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '—');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? (a / b).toFixed(2) : '—');
const verdict = (ok: boolean) => (ok ? 'within' : 'OVER');

export function smallClassesTable({ attune, bare }: SmallClassesResult): Table {
  const cpuRatio = attune.cpuMsPerParticipantMinute / bare.cpuMsPerParticipantMinute;
  const fanoutRatio = attune.fanoutMs.p99 / bare.fanoutMs.p99;
  const exact = (side: typeof attune) => `${side.exactlyOnce.exact} of ${side.exactlyOnce.classes} classes${side.exactlyOnce.mismatches.length ? ` (${side.exactlyOnce.mismatches.join('; ')})` : ''}`;
  return {
    headers: ['figure', 'Attune', 'bare', 'ratio', 'budget'],
    rows: [
      ['server CPU per participant-minute', ms(attune.cpuMsPerParticipantMinute), ms(bare.cpuMsPerParticipantMinute), ratio(attune.cpuMsPerParticipantMinute, bare.cpuMsPerParticipantMinute), `≤ 2× bare: ${verdict(cpuRatio <= 2)}`],
      ['cue fan-out p50', ms(attune.fanoutMs.p50), ms(bare.fanoutMs.p50), ratio(attune.fanoutMs.p50, bare.fanoutMs.p50), ''],
      ['cue fan-out p99', ms(attune.fanoutMs.p99), ms(bare.fanoutMs.p99), ratio(attune.fanoutMs.p99, bare.fanoutMs.p99), `≤ 2× bare: ${verdict(fanoutRatio <= 2)}`],
      ['cue receipts (missed)', `${attune.fanoutMs.samples} (${attune.fanoutMs.missed})`, `${bare.fanoutMs.samples} (${bare.fanoutMs.missed})`, '', ''],
      ['flag ack p50 / p99', `${ms(attune.ackMs.p50)} / ${ms(attune.ackMs.p99)}`, `${ms(bare.ackMs.p50)} / ${ms(bare.ackMs.p99)}`, ratio(attune.ackMs.p99, bare.ackMs.p99), ''],
      ['instructor sees a flag counted, p50 / p99', `${ms(attune.countedMs.p50)} / ${ms(attune.countedMs.p99)}`, `${ms(bare.countedMs.p50)} / ${ms(bare.countedMs.p99)}`, '', `p99 ≤ 20 ms: ${verdict(attune.countedMs.p99 <= 20)}`],
      ['flags sent / acknowledged / refused', flagLine(attune), flagLine(bare), '', ''],
      ['exactly once (last tally = flags acknowledged)', exact(attune), exact(bare), '', verdict(attune.exactlyOnce.exact === attune.exactlyOnce.classes)],
      ['RSS peak', `${attune.rssPeakMb.toFixed(0)} MB`, `${bare.rssPeakMb.toFixed(0)} MB`, ratio(attune.rssPeakMb, bare.rssPeakMb), ''],
      ['cues changed', String(attune.cues), String(bare.cues), '', ''],
    ],
  };
}

/** Server CPU round by round, and all rounds together (their mean: every round has the same participants and minutes). */
export function smallClassesRoundsTable(results: SmallClassesResult[]): Table {
  const cpu = (side: 'attune' | 'bare') => results.reduce((sum, r) => sum + r[side].cpuMsPerParticipantMinute, 0) / results.length;
  const total = cpu('attune') / cpu('bare');
  return {
    headers: ['round', 'Attune, per participant-minute', 'bare', 'ratio', 'budget'],
    rows: [
      ...results.map((r, i) => [String(i + 1), ms(r.attune.cpuMsPerParticipantMinute), ms(r.bare.cpuMsPerParticipantMinute), ratio(r.attune.cpuMsPerParticipantMinute, r.bare.cpuMsPerParticipantMinute), '']),
      ['all rounds', ms(cpu('attune')), ms(cpu('bare')), total.toFixed(2), `≤ 2× bare: ${verdict(total <= 2)}`],
    ],
  };
}

function flagLine(side: SmallClassesResult['attune']): string {
  const refused = Object.entries(side.flags.errors).map(([code, n]) => `${code} ${n}`).join(', ');
  return `${side.flags.sent} / ${side.flags.acked}${side.flags.duplicates ? ` (+${side.flags.duplicates} dup.)` : ''} / ${refused || '0'}`;
}

export function tallyCostTable(rows: TallyCostRow[]): Table {
  const base = rows[0];
  return {
    headers: ['flags stored in the class', 'flag ack → tally on the tablet, p50 / p95 / max', 'server CPU per flag', 'vs the smallest'],
    rows: rows.map((row) => [
      row.storedFlags.toLocaleString('en'),
      `${ms(row.flagToTallyMs.p50)} / ${ms(row.flagToTallyMs.p95)} / ${ms(row.flagToTallyMs.max)}`,
      ms(row.serverCpuMsPerFlag),
      base ? `${ratio(row.flagToTallyMs.p50, base.flagToTallyMs.p50)}× (p50), ${ratio(row.serverCpuMsPerFlag, base.serverCpuMsPerFlag)}× (CPU)` : '',
    ]),
  };
}

export function restartTable({ healthyMs }: RestartResult): Table {
  return {
    headers: ['figure', 'value', 'budget'],
    rows: [['start → /healthz ok, p50 / max', `${ms(healthyMs.p50)} / ${ms(healthyMs.max)}`, `≤ 2000 ms: ${verdict(healthyMs.max <= 2000)}`]],
  };
}

export function printSections(sections: [string, Table][], heading: string): void {
  const out = [heading, ''];
  for (const [title, table] of sections) out.push(title, renderText(table), '');
  out.push('--- markdown ---', '');
  for (const [title, table] of sections) out.push(`### ${title}`, '', renderMarkdown(table), '');
  console.log(out.join('\n'));
}
