// A button that copies a text to the clipboard and says whether it worked (an insecure origin or a denied
// permission refuses; the text is then shown on screen to select by hand).
import { useEffect } from 'react';
import { useCopy } from '../hooks/use-copy';

export function CopyButton({ text, label, testId }: { readonly text: string; readonly label: string; readonly testId?: string }) {
  const { copied, copy, reset } = useCopy();
  useEffect(reset, [text, reset]);
  return (
    <button
      type="button"
      className="btn btn-sm"
      data-testid={testId}
      onClick={() => void copy(text)}
      title={copied === 'no' ? 'Could not copy: select the text by hand.' : undefined}
    >
      {copied === 'yes' ? `${label} ✓` : copied === 'no' ? `${label} (not allowed)` : label}
    </button>
  );
}
