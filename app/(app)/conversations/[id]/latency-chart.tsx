'use client';
import { useId } from 'react';
import { formatMs } from '../format';
import { axisStep, median, type ReplyLatency } from './latency-breakdown';

/** The parts of voice-to-voice, in the order they happen, as the chart draws them. */
const PARTS = [
  { key: 'recognitionMs', label: 'Recognition', help: 'speech end → transcript', color: '#0ea5e9' },
  { key: 'agentMs', label: 'Agent', help: 'transcript → reply text', color: '#6366f1' },
  { key: 'voiceMs', label: 'Voice', help: 'reply text → first audio', color: '#10b981' },
  { key: 'otherMs', label: 'Other', help: 'end-of-speech detection, waiting', color: '#cbd5e1' },
] as const;

const WIDTH = 640;
const LABEL_WIDTH = 64;
const VALUE_WIDTH = 64;
const ROW_HEIGHT = 24;
const BAR_HEIGHT = 14;
const AXIS_HEIGHT = 22;
const BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH;

/**
 * Voice-to-voice per reply as horizontal stacked bars, drawn by hand in SVG: a title and a
 * description for screen readers, and the same numbers as a table.
 */
export function LatencyChart({ replies }: { replies: ReplyLatency[] }) {
  const id = useId();
  const totals = replies.map((reply) => reply.voiceToVoiceMs);
  const slowest = replies.reduce((a, b) => (b.voiceToVoiceMs > a.voiceToVoiceMs ? b : a), replies[0]);
  const step = axisStep(Math.max(...totals));
  const axisMax = Math.max(step, Math.ceil(Math.max(...totals) / step) * step);
  const x = (ms: number) => (ms / axisMax) * BAR_AREA;
  const height = replies.length * ROW_HEIGHT + AXIS_HEIGHT + 4;
  const ticks = Array.from({ length: Math.round(axisMax / step) + 1 }, (_, i) => i * step);

  return (
    <figure className="space-y-3">
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-hidden="true">
        {PARTS.map((part) => (
          <span key={part.key} className="flex items-center gap-1" title={part.help}>
            <span className="inline-block h-3 w-3 rounded-sm" style={{ background: part.color }} />
            {part.label}
          </span>
        ))}
      </div>
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        className="w-full"
        data-testid="latency-chart"
        fontFamily="inherit"
      >
        <title id={`${id}-title`}>Voice-to-voice latency per reply</title>
        <desc id={`${id}-desc`}>
          {`${replies.length === 1 ? 'One reply' : `${replies.length} replies`}: median ${formatMs(median(totals)!)}, slowest ${formatMs(slowest.voiceToVoiceMs)} (reply ${slowest.reply}). ` +
            'Each bar is split into recognition, agent, voice and other time; the table below has the numbers.'}
        </desc>
        {ticks.map((tick) => (
          <g key={tick} transform={`translate(${LABEL_WIDTH + x(tick)} 0)`}>
            <line y1={0} y2={replies.length * ROW_HEIGHT} stroke="#e2e8f0" />
            <text y={replies.length * ROW_HEIGHT + 15} textAnchor="middle" fontSize={10} fill="#64748b">
              {tick === 0 ? '0' : formatMs(tick)}
            </text>
          </g>
        ))}
        {replies.map((reply, row) => {
          let start = 0;
          const y = row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
          return (
            <g key={reply.turnId} data-testid="latency-bar">
              <text x={LABEL_WIDTH - 8} y={y + BAR_HEIGHT - 3} textAnchor="end" fontSize={11} fill="#334155">
                Reply {reply.reply}
              </text>
              {PARTS.map((part) => {
                const ms = reply[part.key] ?? 0;
                const segment = { x: LABEL_WIDTH + x(start), width: x(ms) };
                start += ms;
                return ms > 0 ? (
                  <rect key={part.key} x={segment.x} y={y} width={segment.width} height={BAR_HEIGHT} fill={part.color}>
                    <title>{`Reply ${reply.reply}, ${part.label.toLowerCase()} (${part.help}): ${formatMs(ms)}`}</title>
                  </rect>
                ) : null;
              })}
              <text x={LABEL_WIDTH + x(reply.voiceToVoiceMs) + 6} y={y + BAR_HEIGHT - 3} fontSize={11} fill="#0f172a">
                {formatMs(reply.voiceToVoiceMs)}
              </text>
            </g>
          );
        })}
      </svg>
      <details className="text-sm">
        <summary className="cursor-pointer text-slate-600">Show the numbers as a table</summary>
        <table className="mt-2 w-full text-left tabular-nums">
          <caption className="sr-only">Voice-to-voice latency per reply, and its parts</caption>
          <thead className="text-slate-500">
            <tr>
              <th scope="col" className="py-1 font-medium">Reply</th>
              {PARTS.map((part) => (
                <th key={part.key} scope="col" className="py-1 font-medium" title={part.help}>{part.label}</th>
              ))}
              <th scope="col" className="py-1 font-medium">Voice-to-voice</th>
            </tr>
          </thead>
          <tbody>
            {replies.map((reply) => (
              <tr key={reply.turnId} className="border-t border-slate-100">
                <th scope="row" className="py-1 font-normal">{reply.reply}</th>
                {PARTS.map((part) => {
                  const ms = reply[part.key];
                  return <td key={part.key} className="py-1">{ms === null ? '—' : formatMs(ms)}</td>;
                })}
                <td className="py-1 font-medium">{formatMs(reply.voiceToVoiceMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
