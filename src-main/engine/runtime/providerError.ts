// onnxruntime's provider errors carry source paths and assertion text; users need the sentence at the end.

export function shortProviderError(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let text = lines[0] ?? message;
  // "…/webgpu_context.cc:136 … was false. Failed to get a WebGPU adapter: No supported adapters"
  const afterAssertion = /\bwas false\.\s*(.+)$/.exec(text);
  if (afterAssertion) text = afterAssertion[1]!;
  text = text
    .replace(/^\/?[\w./-]+\.(cc|cpp|h):\d+\s+/, '')
    .replace(/^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/, '');
  return text.trim();
}
