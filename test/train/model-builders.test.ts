import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { timeConditionedMlp } from '../../models/mlp.js';
import '../../models/model-builders.js';
import { buildModel, modelBuilderNames, registerModelBuilder } from '../../src/train/model-builders.js';

describe('model builders', () => {
  it("'time-conditioned-mlp' is registered by models/ and builds the same network as timeConditionedMlp", () => {
    expect(modelBuilderNames()).toContain('time-conditioned-mlp');
    const options = { dim: 2, hidden: 8, layers: 1, seed: 3 };
    const a = buildModel({ builder: 'time-conditioned-mlp', options });
    const b = timeConditionedMlp(options);
    const w = (m: tfl.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w(a)).toEqual(w(b));
    [a, b].forEach((m) => m.dispose());
  });

  it('registers a builder under the registry policy, and names the builders for an unknown name', () => {
    const name = `h1-test-linear-${Math.random().toString(16).slice(2)}`;
    registerModelBuilder(name, (o) => tfl.sequential({ layers: [tfl.layers.dense({ units: o.units as number, inputShape: [2] })] }));
    const m = buildModel({ builder: name, options: { units: 3 } });
    expect(m.outputs[0]!.shape).toEqual([null, 3]);
    m.dispose();
    expect(() => registerModelBuilder(name, () => timeConditionedMlp({ dim: 2 }))).toThrow(/registerModelBuilder/);
    expect(() => buildModel({ builder: 'time-conditioned-mpl', options: {} })).toThrow(/buildModel: .*time-conditioned-mlp/);
  });
});
