// Request payloads stay out of logs unless the user opts in, and then only sampled and with listed fields redacted.
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../helpers/testServer';
import { post } from '../../helpers/v2Client';

const body = {
  id: 'patient-7',
  inputs: [
    { name: 'features', datatype: 'FP32', shape: [1, 30], data: Array.from({ length: 30 }, (_, i) => 1000 + i) },
  ],
};

async function logsFor(options: Parameters<typeof startTestServer>[0]): Promise<string[]> {
  const lines: string[] = [];
  const server = await startTestServer({ models: ['cancer-logreg'], log: (line) => lines.push(line), ...options });
  try {
    for (let i = 0; i < 5; i++)
      expect((await post(`${server.url}/v2/models/cancer-logreg/infer`, body)).status).toBe(200);
  } finally {
    await server.close();
  }
  return lines;
}

describe('payload logging', () => {
  it('logs no payloads by default, not even with the access log on', async () => {
    const lines = await logsFor({ accessLog: true });
    expect(lines.filter((l) => l.startsWith('POST /v2/models/cancer-logreg/infer 200'))).toHaveLength(5);
    expect(lines.join('\n')).not.toContain('1000');
    expect(lines.join('\n')).not.toContain('patient-7');
  });

  it('when opted in, logs sampled payloads with the listed fields redacted', async () => {
    const lines = (await logsFor({ payloadLog: { sampleRate: 1, redact: ['features', 'id'] } })).filter((l) =>
      l.startsWith('payload'),
    );
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).toContain('"data":"[redacted]"');
      expect(line).toContain('"id":"[redacted]"');
      expect(line).not.toContain('1000');
      expect(line).toContain('"shape":[1,30]');
    }
    expect(
      (await logsFor({ payloadLog: { sampleRate: 0, redact: [] } })).filter((l) => l.startsWith('payload')),
    ).toEqual([]);
  });
});
