import { useMutation } from '@tanstack/react-query';
import { useOutcomeNotices } from './outcomes';

/**
 * Runs one admin API command (fulfil, refund, approve…) from a button or a dialog and says how it
 * went the way saves do (done, sent for approval, changed meanwhile, refused). `run` gets what the
 * dialog collected; typed calls go through `useApi()`.
 */
export function useCommand<Input = void, Output = unknown>(run: (input: Input) => Promise<Output>, options: { done?: string; onDone?: (output: Output) => void } = {}) {
  const { onDone, onError } = useOutcomeNotices();
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: (output) => {
      onDone(output, options.done);
      options.onDone?.(output);
    },
    onError,
  });
  return { execute: mutation.mutateAsync, isPending: mutation.isPending };
}
