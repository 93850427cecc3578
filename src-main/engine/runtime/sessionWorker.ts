import { parentPort } from "node:worker_threads"; import * as ort from "onnxruntime-node"; parentPort?.postMessage(Object.keys(ort).length);
