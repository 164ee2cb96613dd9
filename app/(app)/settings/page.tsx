import { ApiTokens } from './api-tokens';
import { RecordingSettings } from './recording-settings';
import { VoiceSettings } from './voice-settings';

export const metadata = { title: 'Settings · Parley' };

export default function SettingsPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <VoiceSettings />
      <RecordingSettings />
      <ApiTokens />
    </div>
  );
}
