import { describe, expect, it } from 'vitest';
import {
  checkModelName,
  modelNameFromFile,
  parseModelRef,
  parseVersion,
} from '../../../src-main/engine/library/modelName';

describe('model names', () => {
  it.each([
    ['/models/digits-mlp-v1.onnx', 'digits-mlp-v1'],
    ['C Drive/My Model (final).onnx', 'My-Model-final'],
    ['__init__.onnx', 'init__'],
    ['ünïcode név.onnx', 'n-code-n-v'],
    [`${'x'.repeat(80)}.onnx`, 'x'.repeat(64)],
    ['model.v1.2.onnx', 'model.v1.2'],
  ])('derives a valid name from %s', (file, name) => {
    expect(modelNameFromFile(file)).toBe(name);
    expect(checkModelName(name)).toBe(name);
  });

  it('refuses a file name with nothing usable', () => {
    expect(() => modelNameFromFile('/tmp/___.onnx')).toThrow("cannot make a model name from '___.onnx'; pass --name");
  });

  it.each(['', '-leading', 'has space', 'slash/name', 'x'.repeat(65), 'colon:name'])('rejects the name %j', (name) => {
    expect(() => checkModelName(name)).toThrow(/invalid model name .*expected 1-64 characters/);
  });

  it('parses NAME, NAME:VERSION and NAME:latest', () => {
    expect(parseModelRef('digits')).toEqual({ name: 'digits' });
    expect(parseModelRef('digits:3')).toEqual({ name: 'digits', version: 3 });
    expect(parseModelRef('digits:latest')).toEqual({ name: 'digits' });
  });

  it.each(['digits:0', 'digits:-1', 'digits:1.5', 'digits:v2', 'digits:'])('rejects the reference %s', (ref) => {
    expect(() => parseModelRef(ref)).toThrow(
      /invalid version .* in '.*': expected a positive integer \(NAME:VERSION\)/,
    );
  });

  it('parses versions strictly', () => {
    expect(parseVersion('12')).toBe(12);
    expect(() => parseVersion('1e3')).toThrow("invalid version '1e3': expected a positive integer");
  });
});
