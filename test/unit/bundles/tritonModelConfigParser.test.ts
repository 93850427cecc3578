// The text-format parser the Triton tests read config.pbtxt with: it must accept what protobuf's text format
// allows and refuse what Triton's parser refuses, or a passing Triton test would prove nothing.
import { describe, expect, it } from 'vitest';
import { parseTritonModelConfig, TextFormatError } from '../../helpers/tritonModelConfigParser';

const refused = (text: string): string => {
  try {
    parseTritonModelConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TextFormatError);
    return (error as Error).message;
  }
  throw new Error(`parsed, but should not have:\n${text}`);
};

describe('parseTritonModelConfig', () => {
  it('reads a config as Triton writes them: lists, nested messages, maps, enums, comments, both bracket kinds', () => {
    const config = parseTritonModelConfig(`
      # a comment
      name: "m" 'odel'   # adjacent strings concatenate
      platform: "onnxruntime_onnx"
      max_batch_size: 0x10
      version_policy: { specific { versions: [1, 3] } }
      input [ { name: "in\\"put\\\\\\n\\101" data_type: TYPE_FP32 dims: [ -1, 64 ] }, { name: "b", data_type: 9; dims: 2 dims: 3 } ]
      output { name: "out" data_type: TYPE_STRING dims: [ 1 ] reshape < shape: [ ] > label_filename: "labels.txt" }
      dynamic_batching {
        preferred_batch_size: [ 4, 8 ]
        max_queue_delay_microseconds: 100
        default_queue_policy { timeout_action: DELAY, allow_timeout_override: t }
        priority_queue_policy { key: 2 value { max_queue_size: 5 } }
      }
      instance_group [ { kind: KIND_GPU count: 2 gpus: [ 0, 1 ] } ]
      parameters { key: "intra_op_thread_count" value: { string_value: "4" } }
      parameters [ { key: "x" value { string_value: "" } } ]
      response_cache { enable: true }
    `);
    expect(config.name).toBe('model');
    expect(config.max_batch_size).toBe(16);
    expect(config.version_policy).toEqual({ specific: { versions: [1, 3] } });
    expect(config.input.map((i) => [i.name, i.data_type, i.dims])).toEqual([
      ['in"put\\\nA', 'TYPE_FP32', [-1, 64]],
      ['b', 'TYPE_INT64', [2, 3]],
    ]);
    expect(config.output[0]).toMatchObject({
      data_type: 'TYPE_STRING',
      reshape: { shape: [] },
      label_filename: 'labels.txt',
    });
    expect(config.dynamic_batching).toMatchObject({
      preferred_batch_size: [4, 8],
      max_queue_delay_microseconds: 100,
      default_queue_policy: { timeout_action: 'DELAY', allow_timeout_override: true, max_queue_size: 0 },
      priority_queue_policy: { '2': { max_queue_size: 5, timeout_action: 'REJECT' } },
    });
    expect(config.instance_group).toMatchObject([{ kind: 'KIND_GPU', count: 2, gpus: [0, 1] }]);
    expect(config.parameters).toEqual({ intra_op_thread_count: { string_value: '4' }, x: { string_value: '' } });
    expect(config.response_cache).toEqual({ enable: true });
    // Absent fields read as protobuf defaults; an absent oneof member is not there at all.
    expect(parseTritonModelConfig('name: "x"')).toMatchObject({ max_batch_size: 0, input: [], response_cache: null });
    expect(parseTritonModelConfig('name: "x"').dynamic_batching ?? null).toBeNull();
  });

  it('refuses unknown field names, at any depth', () => {
    expect(refused('name: "m"\nmax_batch: 4')).toMatch(/2:1: unknown field 'max_batch' in .*ModelConfig/);
    expect(refused('input [ { name: "a" datatype: TYPE_FP32 } ]')).toMatch(/unknown field 'datatype' in .*ModelInput/);
    expect(refused('dynamic_batching { default_queue_policy { timeout: 5 } }')).toMatch(/unknown field 'timeout'/);
    expect(refused('constructor: 1')).toMatch(/unknown field 'constructor'/);
  });

  it('refuses values of the wrong kind', () => {
    expect(refused('max_batch_size: "8"')).toMatch(/'max_batch_size' takes an integer \(int32\), got string "8"/);
    expect(refused('max_batch_size: 1.5')).toMatch(/takes an integer/);
    expect(refused('max_batch_size: 2147483648')).toMatch(/out of range for int32/);
    expect(refused('dynamic_batching { max_queue_size: 1 }')).toMatch(/unknown field 'max_queue_size'/);
    expect(refused('dynamic_batching { priority_levels: -1 }')).toMatch(/out of range for uint32/);
    expect(refused('name: model')).toMatch(/'name' takes a quoted string, got 'model'/);
    expect(refused('input [ { data_type: TYPE_FLOAT32 } ]')).toMatch(
      /'TYPE_FLOAT32' is not a value of enum .*DataType/,
    );
    expect(refused('input [ { data_type: "TYPE_FP32" } ]')).toMatch(/takes an enum .*DataType identifier/);
    expect(refused('input [ { data_type: 99 } ]')).toMatch(/99 is not a value of enum/);
    expect(refused('response_cache { enable: yes }')).toMatch(/takes true or false/);
    expect(refused('max_batch_size: { value: 1 }')).toMatch(/'max_batch_size' is a int32, not a message/);
    expect(refused('input [ { data_type: { } } ]')).toMatch(/is a enum .*DataType, not a message/);
    expect(refused('response_cache: true')).toMatch(/'response_cache' is a message .*ModelResponseCache/);
    expect(refused('max_batch_size { value: 1 }')).toMatch(/expected ':' after scalar field 'max_batch_size'/);
    expect(refused('parameters { key: "a" value: "b" }')).toMatch(/'parameters.value' is a message/);
    expect(refused('parameters { key: 1 value { string_value: "b" } }')).toMatch(
      /'parameters.key' takes a quoted string/,
    );
    expect(refused('parameters { value { string_value: "b" } }')).toMatch(/has no key/);
  });

  it('refuses repeated-ness and oneof violations', () => {
    expect(refused('name: "a"\nname: "b"')).toMatch(/2:1: non-repeated field 'name' is set twice/);
    expect(refused('max_batch_size: [ 1 ]')).toMatch(/'max_batch_size' is not repeated/);
    expect(refused('response_cache [ { enable: true } ]')).toMatch(/'response_cache' is not repeated/);
    expect(refused('dynamic_batching { }\nsequence_batching { }')).toMatch(
      /'dynamic_batching' and 'sequence_batching' are both set, but they are one oneof 'scheduling_choice'/,
    );
    expect(refused('version_policy { latest { } specific { } }')).toMatch(/one oneof 'policy_choice'/);
  });

  it('refuses broken syntax with the line and column', () => {
    expect(refused('name "m"')).toMatch(/1:6: expected ':' after scalar field 'name'/);
    expect(refused('input [ { name: "a" }')).toMatch(/expected '\]' to close the list of 'input'/);
    expect(refused('version_policy { specific { versions: [ 1 ] }')).toMatch(/expected '}' to close/);
    expect(refused('name: "unterminated')).toMatch(/unterminated string/);
    expect(refused('name: "bad \\q escape"')).toMatch(/invalid escape/);
    expect(refused('max_batch_size: 4x')).toMatch(/malformed number/);
    expect(refused('}')).toMatch(/expected a field name/);
    expect(refused('name: "a" @')).toMatch(/unexpected character '@'/);
  });
});
