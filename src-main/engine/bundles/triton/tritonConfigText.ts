// Renders a Triton ModelConfig (the same one the data plane's `GET .../config` serves) as config.pbtxt, protobuf's
// text format, field by field: only what Triton needs to load the model as Slipway serves it, nothing at defaults.
import type {
  TritonDynamicBatching,
  TritonModelConfigJson,
  TritonModelInput,
  TritonModelOutput,
  TritonQueuePolicy,
} from '../../serving/tritonModelConfig';

export interface TritonConfigTextOptions {
  /** Output name → labels file (relative to the model folder) for the classification extension. */
  labelFiles?: Readonly<Record<string, string>>;
}

const INDENT = '  ';

/** A protobuf text-format string literal: `"` and `\` escaped, control characters as octal bytes. */
export function textFormatString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    // Text format is UTF-8: other characters stand for themselves.
    else out += char;
  }
  return `${out}"`;
}

/** Enum values are bare identifiers; anything else here is a bug, not something to quote around. */
function enumName(value: string): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(value)) throw new Error(`not a protobuf enum identifier: ${JSON.stringify(value)}`);
  return value;
}

function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

/** One line per scalar field, `name { ... }` per message, `name [ ... ]` per repeated field. */
class TextWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  field(name: string, value: string): this {
    this.lines.push(`${INDENT.repeat(this.depth)}${name}: ${value}`);
    return this;
  }

  ints(name: string, values: readonly number[]): this {
    return this.field(name, values.length === 0 ? '[ ]' : `[ ${values.map(int).join(', ')} ]`);
  }

  message(name: string, body: (w: this) => void): this {
    this.lines.push(`${INDENT.repeat(this.depth)}${name} {`);
    this.depth++;
    body(this);
    this.depth--;
    this.lines.push(`${INDENT.repeat(this.depth)}}`);
    return this;
  }

  messages<T>(name: string, items: readonly T[], body: (w: this, item: T) => void): this {
    if (items.length === 0) return this;
    this.lines.push(`${INDENT.repeat(this.depth)}${name} [`);
    this.depth++;
    items.forEach((item, index) => {
      this.lines.push(`${INDENT.repeat(this.depth)}{`);
      this.depth++;
      body(this, item);
      this.depth--;
      this.lines.push(`${INDENT.repeat(this.depth)}}${index < items.length - 1 ? ',' : ''}`);
    });
    this.depth--;
    this.lines.push(`${INDENT.repeat(this.depth)}]`);
    return this;
  }

  comment(text: string): this {
    for (const line of text.split('\n')) this.lines.push(`${INDENT.repeat(this.depth)}# ${line}`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/**
 * Triton refuses an input or output with no dims ("must specify 'dims'"): a tensor that is only the batch axis
 * ([batch] with max_batch_size > 0) or a scalar is written the way Triton documents it, `dims: [ 1 ]` with
 * `reshape { shape: [ ] }`.
 */
function writeDims(w: TextWriter, dims: readonly number[]): void {
  if (dims.length > 0) {
    w.ints('dims', dims);
    return;
  }
  w.ints('dims', [1]);
  w.message('reshape', (r) => r.ints('shape', []));
}

function writeInput(w: TextWriter, input: TritonModelInput): void {
  w.field('name', textFormatString(input.name));
  w.field('data_type', enumName(input.data_type));
  writeDims(w, input.dims);
}

function writeOutput(w: TextWriter, output: TritonModelOutput, labelFile: string | undefined): void {
  w.field('name', textFormatString(output.name));
  w.field('data_type', enumName(output.data_type));
  writeDims(w, output.dims);
  if (labelFile !== undefined) w.field('label_filename', textFormatString(labelFile));
}

function writeQueuePolicy(w: TextWriter, policy: TritonQueuePolicy): void {
  w.field('timeout_action', enumName(policy.timeout_action));
  w.field('default_timeout_microseconds', int(policy.default_timeout_microseconds));
  w.field('allow_timeout_override', String(policy.allow_timeout_override));
  w.field('max_queue_size', int(policy.max_queue_size));
}

function writeDynamicBatching(w: TextWriter, batching: TritonDynamicBatching): void {
  // Empty: Triton picks preferred sizes itself, as Slipway does with none configured.
  if (batching.preferred_batch_size.length > 0) w.ints('preferred_batch_size', batching.preferred_batch_size);
  w.field('max_queue_delay_microseconds', int(batching.max_queue_delay_microseconds));
  w.field('priority_levels', int(batching.priority_levels));
  w.field('default_priority_level', int(batching.default_priority_level));
  w.message('default_queue_policy', (p) => writeQueuePolicy(p, batching.default_queue_policy));
  for (const [level, policy] of Object.entries(batching.priority_queue_policy)) {
    w.message('priority_queue_policy', (entry) => {
      entry.field('key', int(Number(level)));
      entry.message('value', (p) => writeQueuePolicy(p, policy));
    });
  }
}

function writeStringMap(w: TextWriter, name: string, map: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(map)) {
    w.message(name, (entry) => entry.field('key', textFormatString(key)).field('value', textFormatString(value)));
  }
}

export function tritonConfigText(config: TritonModelConfigJson, options: TritonConfigTextOptions = {}): string {
  const labelFiles = options.labelFiles ?? {};
  for (const output of Object.keys(labelFiles)) {
    if (!config.output.some((o) => o.name === output)) throw new Error(`no output '${output}' to attach labels to`);
  }
  const w = new TextWriter();
  w.comment(`Triton model configuration for ${JSON.stringify(config.name)}, written by Slipway.`);
  w.field('name', textFormatString(config.name));
  w.field('platform', textFormatString(config.platform));
  w.field('max_batch_size', int(config.max_batch_size));
  w.message('version_policy', (p) =>
    p.message('specific', (s) => s.ints('versions', config.version_policy.specific.versions)),
  );
  w.messages('input', config.input, writeInput);
  w.messages('output', config.output, (o, output) => writeOutput(o, output, labelFiles[output.name]));
  if (config.dynamic_batching) {
    const batching = config.dynamic_batching;
    w.message('dynamic_batching', (b) => writeDynamicBatching(b, batching));
  }
  w.messages('instance_group', config.instance_group, (g, group) => {
    g.field('kind', enumName(group.kind));
    g.field('count', int(group.count));
    if (group.kind === 'KIND_GPU' && group.gpus.length > 0) g.ints('gpus', group.gpus);
  });
  writeStringMap(w, 'cc_model_filenames', config.cc_model_filenames);
  writeStringMap(w, 'metric_tags', config.metric_tags);
  for (const [key, parameter] of Object.entries(config.parameters)) {
    w.message('parameters', (entry) => {
      entry.field('key', textFormatString(key));
      entry.message('value', (v) => v.field('string_value', textFormatString(parameter.string_value)));
    });
  }
  w.message('response_cache', (c) => c.field('enable', String(config.response_cache.enable)));
  return w.text();
}
