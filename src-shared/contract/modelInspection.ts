// What Slipway learns from an ONNX file without running it: the signature and the facts users ask about.
import { z } from 'zod';

export const DimSchema = z.union([z.number().int().nonnegative(), z.string(), z.null()]);

export const ValueKindSchema = z.enum(['tensor', 'sparse_tensor', 'sequence', 'map', 'optional', 'unknown']);
export type ValueKind = z.infer<typeof ValueKindSchema>;

/** One graph input or output. */
export const TensorSignatureSchema = z.object({
  name: z.string(),
  kind: ValueKindSchema,
  /** For tensors: onnxruntime's element type name (float32, int64, ...) or the lower-case ONNX name for types
   * Slipway cannot feed (bfloat16, complex64, ...). For other kinds: a description such as "sequence(map(int64, float32))". */
  elementType: z.string(),
  /** Dims as declared: numbers, symbolic names kept by name, null for an unnamed dynamic dim; null when the rank is unknown. */
  shape: z.array(DimSchema).nullable(),
  docString: z.string().optional(),
});
export type TensorSignature = z.infer<typeof TensorSignatureSchema>;

export const ModelSignatureSchema = z.object({
  inputs: z.array(TensorSignatureSchema),
  outputs: z.array(TensorSignatureSchema),
});
export type ModelSignature = z.infer<typeof ModelSignatureSchema>;

export const OpsetImportSchema = z.object({ domain: z.string(), version: z.number().int() });

export const ModelInspectionSchema = ModelSignatureSchema.extend({
  irVersion: z.number().int(),
  opsetImports: z.array(OpsetImportSchema),
  producerName: z.string(),
  producerVersion: z.string(),
  domain: z.string(),
  modelVersion: z.number().int(),
  docString: z.string(),
  metadata: z.record(z.string(), z.string()),
  graphName: z.string(),
  /** Operator counts over the main graph and every subgraph; custom domains as "domain:OpType". */
  opHistogram: z.record(z.string(), z.number().int()),
  nodeCount: z.number().int(),
  initializerCount: z.number().int(),
  /** Elements across all initializers (dense and sparse). */
  parameterCount: z.number().int(),
  /** Bytes those elements take (by data type width). */
  parameterBytes: z.number().int(),
  fileBytes: z.number().int(),
  /** External data files the initializers point at; empty for a self-contained model. */
  externalDataFiles: z.array(z.string()),
});
export type ModelInspection = z.infer<typeof ModelInspectionSchema>;
