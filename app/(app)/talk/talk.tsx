'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { fetchJson } from '../../fetch-json';
import { meterFraction } from './levels';
import { MICROPHONE_STORAGE_KEY } from './microphones';
import { talkSearch, transportLabel, type Transport, type TransportStatus } from './transport';
import { VoiceClient, type AgentState, type InputMode, type Line } from './voice-client';

interface StoredTurn {
  id: string;
  role: 'user' | 'agent';
  text: string;
  interrupted: boolean;
}

const STATE_LABEL: Record<AgentState, string> = {
  listening: 'Listening',
  'user-speaking': 'Hearing you',
  thinking: 'Thinking',
  'agent-speaking': 'Speaking',
};

export function Talk({ conversationId, transport }: { conversationId?: string; transport: Transport }) {
  const [echoCancellation, setEchoCancellation] = useState(true);
  const [client] = useState(() => new VoiceClient({ conversationId, echoCancellation: true, mode: 'hands-free', transport }));
  const [microphone, setMicrophone] = useState<string>('');
  const talk = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  const earlier = useQuery({
    queryKey: ['conversation', conversationId],
    queryFn: () => fetchJson<{ turns: StoredTurn[] }>(`/api/conversations/${conversationId}`),
    enabled: Boolean(conversationId),
  });

  useEffect(() => () => void client.stop(), [client]);
  useEffect(() => client.attach(), [client]);
  useEffect(() => {
    const on = localStorage.getItem('parley.echoCancellation') !== 'off';
    setEchoCancellation(on);
    client.setEchoCancellation(on);
    const remembered = localStorage.getItem(MICROPHONE_STORAGE_KEY) ?? '';
    setMicrophone(remembered);
    void client.selectMicrophone(remembered || undefined);
  }, [client]);
  // Keep the conversation in the address bar, so a reload continues it.
  useEffect(() => {
    if (talk.conversationId && new URLSearchParams(location.search).get('conversation') !== talk.conversationId) {
      history.replaceState(null, '', `/talk${talkSearch(location.search, talk.conversationId)}`);
    }
  }, [talk.conversationId]);
  // Push-to-talk: hold the space bar.
  useEffect(() => {
    const key = (down: boolean) => (event: KeyboardEvent) => {
      if (event.code === 'Space' && !(event.target instanceof HTMLInputElement)) {
        event.preventDefault();
        client.pushToTalk(down);
      }
    };
    const onDown = key(true);
    const onUp = key(false);
    window.addEventListener('keydown', onDown);
    window.addEventListener('keyup', onUp);
    return () => {
      window.removeEventListener('keydown', onDown);
      window.removeEventListener('keyup', onUp);
    };
  }, [client]);

  const running = talk.connection === 'open' || talk.connection === 'connecting';
  const lines: Line[] = [
    ...(earlier.data?.turns ?? []).map((t) => ({ id: t.id, role: t.role, text: t.text, final: true, interrupted: t.interrupted })),
    ...talk.lines,
  ];

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-2xl font-semibold">Talk</h1>
        <StateBadge state={running ? talk.state : null} />
        <div className="ml-auto flex items-center gap-3">
          <div className="grid grid-cols-[auto_auto] items-center gap-x-2 gap-y-1 text-xs text-slate-500">
            <span aria-hidden="true">You</span>
            <LevelMeter label="Your voice level" color="bg-indigo-500" dbfs={talk.mic === 'on' ? talk.levelDbfs : -100} />
            <span aria-hidden="true">Agent</span>
            <LevelMeter label="Agent voice level" color="bg-emerald-500" dbfs={talk.mic === 'on' ? talk.agentLevelDbfs : -100} />
          </div>
          {running ? (
            <button type="button" onClick={() => void client.stop()} className="rounded-full bg-slate-800 px-5 py-2 font-medium text-white hover:bg-slate-700">
              Stop
            </button>
          ) : (
            <button type="button" onClick={() => void client.start()} className="rounded-full bg-indigo-600 px-5 py-2 font-medium text-white hover:bg-indigo-500">
              Start talking
            </button>
          )}
        </div>
      </div>

      <div className="flex flex-wrap items-center gap-6 text-sm text-slate-600">
        <fieldset className="flex items-center gap-3">
          <legend className="sr-only">Input mode</legend>
          {(['hands-free', 'push-to-talk'] as InputMode[]).map((mode) => (
            <label key={mode} className="flex items-center gap-1">
              <input type="radio" name="mode" checked={talk.mode === mode} onChange={() => client.setMode(mode)} />
              {mode === 'hands-free' ? 'Hands-free' : 'Push to talk (hold Space)'}
            </label>
          ))}
        </fieldset>
        <label className="flex items-center gap-2">
          Microphone
          <select
            value={microphone}
            onChange={(e) => {
              const id = e.target.value;
              setMicrophone(id);
              if (id) localStorage.setItem(MICROPHONE_STORAGE_KEY, id);
              else localStorage.removeItem(MICROPHONE_STORAGE_KEY);
              void client.selectMicrophone(id || undefined);
            }}
            className="max-w-56 rounded-md border border-slate-300 bg-white px-2 py-1"
          >
            <option value="">Browser default</option>
            {talk.microphones
              .filter((m) => m.deviceId !== 'default')
              .map((m) => (
                <option key={m.deviceId} value={m.deviceId}>
                  {m.label}
                </option>
              ))}
            {microphone && !talk.microphones.some((m) => m.deviceId === microphone) && <option value={microphone}>Remembered microphone (not connected)</option>}
          </select>
        </label>
        <label className="flex items-center gap-1" title="Turn off when using headphones or for test signals">
          <input
            type="checkbox"
            checked={echoCancellation}
            disabled={running}
            onChange={(e) => {
              setEchoCancellation(e.target.checked);
              localStorage.setItem('parley.echoCancellation', e.target.checked ? 'on' : 'off');
              client.setEchoCancellation(e.target.checked);
            }}
          />
          Echo cancellation
        </label>
        {talk.state === 'agent-speaking' && (
          <button type="button" onClick={() => client.interrupt()} className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">
            Stop the agent
          </button>
        )}
        {talk.mode === 'push-to-talk' && running && (
          <button
            type="button"
            onPointerDown={() => client.pushToTalk(true)}
            onPointerUp={() => client.pushToTalk(false)}
            onPointerLeave={() => client.pushToTalk(false)}
            className="rounded-md bg-indigo-100 px-4 py-1 text-indigo-800"
          >
            Hold to talk
          </button>
        )}
      </div>

      {talk.error && (
        <p role="alert" className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {talk.error}
        </p>
      )}

      <ol aria-label="Conversation" className="space-y-3">
        {lines.length === 0 && <li className="text-slate-500">Press “Start talking”, then say something like “what is twelve times seven”.</li>}
        {lines.map((line) => (
          <li key={line.id} data-role={line.role} data-final={line.final} className={line.role === 'user' ? 'text-right' : ''}>
            <span
              className={`inline-block max-w-[80%] rounded-2xl px-4 py-2 ${
                line.role === 'user' ? 'bg-indigo-600 text-white' : 'border border-slate-200 bg-white'
              } ${line.final ? '' : 'opacity-70'}`}
            >
              {line.text}
              {line.interrupted && <span className="ml-2 text-xs opacity-70">(interrupted)</span>}
            </span>
          </li>
        ))}
      </ol>

      <footer className="flex gap-6 text-xs text-slate-500" data-testid="playback-stats" data-played-ms={talk.playback.playedMs} data-peak={talk.playback.peak.toFixed(4)}>
        {talk.latency && (
          <span data-testid="latency">
            {talk.latency.since === 'end-sent'
              ? `Last turn: transcript ${talk.latency.transcriptMs ?? '…'} ms after you stopped, first audio ${talk.latency.firstAudioMs ?? '…'} ms`
              : `Last turn: first audio ${talk.latency.firstAudioMs ?? '…'} ms after your words were recognised`}
          </span>
        )}
        <span>{talk.connection === 'open' ? 'Connected' : talk.connection === 'connecting' ? 'Connecting…' : 'Not connected'}</span>
        {running && <TransportBadge transport={talk.transport} />}
      </footer>
    </div>
  );
}

function StateBadge({ state }: { state: AgentState | null }) {
  const color = state === 'agent-speaking' ? 'bg-emerald-100 text-emerald-800' : state === 'thinking' ? 'bg-amber-100 text-amber-800' : state === 'user-speaking' ? 'bg-indigo-100 text-indigo-800' : 'bg-slate-100 text-slate-600';
  return (
    <span data-testid="agent-state" data-state={state ?? 'off'} className={`rounded-full px-3 py-1 text-sm font-medium ${color}`}>
      {state ? STATE_LABEL[state] : 'Off'}
    </span>
  );
}

function TransportBadge({ transport }: { transport: TransportStatus }) {
  const phase = transport.kind === 'webrtc' ? transport.phase : transport.kind === 'socket' ? (transport.fallbackReason ? 'fallback' : 'chosen') : 'none';
  return (
    <span data-testid="transport" data-transport={transport.kind} data-phase={phase} role="status">
      Audio: {transportLabel(transport)}
    </span>
  );
}

function LevelMeter({ dbfs, label, color }: { dbfs: number; label: string; color: string }) {
  const value = Math.round(Math.max(-70, Math.min(-10, dbfs)));
  return (
    <div
      className="h-2 w-28 overflow-hidden rounded-full bg-slate-200"
      role="meter"
      aria-label={label}
      aria-valuemin={-70}
      aria-valuemax={-10}
      aria-valuenow={value}
      aria-valuetext={dbfs <= -70 ? 'silent' : `${value} dB`}
    >
      <div className={`h-full ${color} transition-[width] duration-75`} style={{ width: `${meterFraction(dbfs) * 100}%` }} />
    </div>
  );
}
