// A button that copies a text to the clipboard and says whether it worked (an insecure origin or a denied
// permission refuses; the text is then shown on screen to select by hand).
import { useEffect, useState } from 'react';

export function CopyButton({ text, label, testId }: { readonly text: string; readonly label: string; readonly testId?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => setCopied(null), [text]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <button type="button" className="btn btn-sm" data-testid={testId} onClick={() => void copy()} title={copied === 'no' ? 'Could not copy: select the text by hand.' : undefined}>
      {copied === 'yes' ? `${label} ✓` : copied === 'no' ? `${label} (not allowed)` : label}
    </button>
  );
}
