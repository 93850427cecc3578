// A button that copies a text to the clipboard and says so; where the clipboard API is refused it falls back to
// the older copy command, and failing that tells the user to copy by hand.
import { useEffect, useState } from 'react';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  useEffect(() => {
    if (result === null) return;
    const timer = setTimeout(() => setResult(null), 2000);
    return () => clearTimeout(timer);
  }, [result]);
  return (
    <span className="copy">
      <button type="button" onClick={() => void copyText(text).then((ok) => setResult(ok ? 'copied' : 'failed'))}>
        Copy<span className="visually-hidden"> {label}</span>
      </button>
      <span className="copy-result" role="status" aria-live="polite">
        {result === 'copied' ? 'Copied' : result === 'failed' ? 'Copy refused: select the text and press Ctrl+C' : ''}
      </span>
    </span>
  );
}
