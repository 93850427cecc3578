// The Compare screen's forms: a comparison draft becomes a config the contract accepts, or the list of what is
// wrong with it in words (Run stays disabled); the same for a drift request; and the contract's own checks agree.
import { describe, expect, it } from 'vitest';
import { ComparisonConfigSchema, DriftRequestSchema } from '../../../src-shared/contract';
import {
  comparisonConfig,
  driftRequest,
  newComparisonDraft,
  newDriftDraft,
} from '../../../src-renderer/src/compare/compareUi';

describe('comparison drafts', () => {
  it('makes a config the contract accepts, with the first ticked version as the baseline', () => {
    const built = comparisonConfig({
      ...newComparisonDraft(),
      versions: ['digits-mlp:2', 'digits-mlp:1'],
      dataset: 'ds-1',
      reference: 'ds-2',
      predictionOutput: 'probabilities',
      predictionRule: 'argmax',
      batchSize: '64',
      name: '  nightly  ',
    });
    expect('config' in built).toBe(true);
    if (!('config' in built)) return;
    const config = ComparisonConfigSchema.parse(built.config);
    expect(config).toMatchObject({
      name: 'nightly',
      versions: ['digits-mlp:2', 'digits-mlp:1'],
      dataset: 'ds-1',
      reference: 'ds-2',
      prediction: { output: 'probabilities', rule: 'argmax' },
      batchSize: 64,
      explorerRows: 50,
      bootstrap: { iterations: 1000, confidence: 0.95 },
    });
  });

  it('leaves the prediction, batch size and reference to the engine when they are not set', () => {
    const built = comparisonConfig({ ...newComparisonDraft(), versions: ['a:1', 'a:2'], dataset: 'd' });
    expect(built).toEqual({
      config: expect.objectContaining({ reference: null, prediction: null, batchSize: null }),
    });
  });

  it('says everything that is wrong at once', () => {
    const built = comparisonConfig({
      ...newComparisonDraft(),
      versions: ['a:1'],
      dataset: 'd',
      reference: 'd',
      batchSize: '0',
      explorerRows: 'many',
      bootstrapIterations: '10',
      confidence: '1.5',
    });
    expect(built).toEqual({
      problems: [
        'tick at least two versions (the first ticked is the baseline)',
        'the reference must be another dataset than the one replayed',
        'confidence must be between 0.5 and 1 (e.g. 0.95)',
        'batch size must be a whole number from 1 to 65536',
        'explorer rows must be a whole number from 0 to 1000',
        'bootstrap resamples must be a whole number from 100 to 100000',
      ],
    });
    expect(comparisonConfig(newComparisonDraft())).toEqual({
      problems: ['tick at least two versions (the first ticked is the baseline)', 'choose the dataset to replay'],
    });
  });
});

describe('drift drafts', () => {
  it('measures against a dataset or a version’s reference, with the thresholds as typed', () => {
    const draft = { ...newDriftDraft(), current: 'live', reference: 'ref' };
    const built = driftRequest({
      ...draft,
      thresholds: { ...draft.thresholds, psi: '0.25' },
      datasetDriftShare: '0.3',
    });
    expect('request' in built).toBe(true);
    if (!('request' in built)) return;
    const request = DriftRequestSchema.parse(built.request);
    expect(request.reference).toBe('ref');
    expect(request.referenceOf).toBeUndefined();
    expect(request.options.thresholds.psi).toBe(0.25);
    expect(request.options.datasetDriftShare).toBe(0.3);
    expect(request.options.familyWiseAlpha).toBe(0.05);
    const noHolm = driftRequest({ ...draft, familyWiseAlpha: ' ' });
    if (!('request' in noHolm)) throw new Error('expected a request');
    expect(DriftRequestSchema.parse(noHolm.request).options.familyWiseAlpha).toBeNull();

    const byVersion = driftRequest({ ...draft, against: 'version', referenceOf: 'digits-mlp:1' });
    if (!('request' in byVersion)) throw new Error('expected a request');
    expect(DriftRequestSchema.parse(byVersion.request)).toMatchObject({ referenceOf: 'digits-mlp:1' });
  });

  it('refuses an empty form, the same dataset twice and a threshold that is not a number', () => {
    expect(driftRequest(newDriftDraft())).toEqual({
      problems: ['choose the current dataset', 'choose the reference dataset'],
    });
    const draft = newDriftDraft();
    expect(
      driftRequest({
        ...draft,
        current: 'x',
        reference: 'x',
        thresholds: { ...draft.thresholds, ks: 'low' },
        datasetDriftShare: '2',
        familyWiseAlpha: '1',
      }),
    ).toEqual({
      problems: [
        'the reference and the current dataset are the same',
        'the ks threshold must be a number above 0 and at most 1000000',
        'the dataset drift share must be a number above 0 and at most 1',
        'the family-wise level must be between 0 and 1 (e.g. 0.05), or empty to turn it off',
      ],
    });
  });

  it('is refused by the contract when it names both kinds of reference, or neither', () => {
    expect(DriftRequestSchema.safeParse({ current: 'a', reference: 'b', referenceOf: 'm:1' }).success).toBe(false);
    expect(DriftRequestSchema.safeParse({ current: 'a' }).success).toBe(false);
  });
});
