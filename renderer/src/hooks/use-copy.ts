// Copying a text to the clipboard, and whether it worked: an insecure origin or a denied permission refuses,
// and the caller then says so (the text stays on screen to select by hand).
import { useCallback, useState } from 'react';

export type CopyOutcome = 'yes' | 'no' | null;

export function useCopy(): { readonly copied: CopyOutcome; readonly copy: (text: string) => Promise<void>; readonly reset: () => void } {
  const [copied, setCopied] = useState<CopyOutcome>(null);
  const copy = useCallback(async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  }, []);
  const reset = useCallback(() => setCopied(null), []);
  return { copied, copy, reset };
}
