'use client';
import { useRef, useState } from 'react';
import { turnAudioUrl } from '../api';

/** A turn's kept recording: one small play/stop button; the file loads only when played. */
export function TurnRecording({ conversationId, turnId, durationMs }: { conversationId: string; turnId: string; durationMs: number }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [failed, setFailed] = useState(false);
  const seconds = (durationMs / 1000).toFixed(1);

  function toggle() {
    const element = audio.current;
    if (!element) return;
    if (!element.paused) {
      element.pause();
      element.currentTime = 0;
      return;
    }
    setFailed(false);
    element.play().catch(() => setFailed(true));
  }

  return (
    <span className="inline-flex items-center gap-1">
      <button
        type="button"
        onClick={toggle}
        aria-label={playing ? 'Stop the recording' : `Play the recording (${seconds} s)`}
        className="rounded-full border border-slate-300 bg-white px-2 py-0.5 text-slate-700 hover:bg-slate-100"
      >
        {playing ? '■' : '▶'} {seconds} s
      </button>
      {failed && (
        <span role="alert" className="text-red-700">
          could not play
        </span>
      )}
      <audio
        ref={audio}
        data-testid="turn-audio"
        preload="none"
        src={turnAudioUrl(conversationId, turnId)}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
        onError={() => {
          setPlaying(false);
          setFailed(true);
        }}
      />
    </span>
  );
}
