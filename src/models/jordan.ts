/**
 * The Jordan network of documento 000 as a tfjs recurrent cell: the hidden layer receives the
 * input and the network's previous OUTPUT (not its previous hidden state, as Elman's):
 *
 *   h₀(t) = act(x(t)·K₀ + y(t−1)·R + b₀),   h_l(t) = act(h_{l−1}(t)·K_l + b_l),
 *   y(t)  = outAct(h_{L−1}(t)·V + c),        state = y(t), y(0) = 0.
 *
 * Weights, in this order: kernel_0 [features, units₀], recurrent_kernel [outputUnits,
 * units₀], bias_0, then kernel_l, bias_l for l ≥ 1, then output_kernel [units_{L−1},
 * outputUnits] and output_bias [outputUnits]. Wrapped in `tf.layers.rnn({ cell })`.
 * The same recurrence in plain TypeScript, beside the document's formula and equal to predict():
 * notebooks/02-practica-iberdrola.ipynb, cell `jordan-scratch`.
 */
import { tf } from '../backend';
import type * as tfTypes from '@tensorflow/tfjs';
import { type ActivationName, checkActivationName } from '../core/activations';

/** Configuration of a `JordanCell` (what its `getConfig()` serialises). */
export interface JordanCellConfig {
  /** Hidden stack sizes, e.g. [5] or [5, 5]. */
  units: number[];
  /** Output size, which is also the state size. */
  outputUnits: number;
  /** Hidden activation (default tanh). */
  activation?: ActivationName;
  /** Output activation (default linear). */
  outputActivation?: ActivationName;
  /** Base seed of the Glorot-uniform initialisers (kernel_l: seed + 3l, recurrent: seed + 1, output: seed + 2). */
  seed?: number;
  /** Layer name. */
  name?: string;
}

type Tensor = tfTypes.Tensor;

/**
 * The Jordan recurrent cell (see the module note): wrap it in `tf.layers.rnn({ cell })`;
 * `call([x, yPrev])` returns `[y, y]`, `stateSize` is `outputUnits`. Registered for
 * serialisation under the class name `JordanCell`.
 */
export class JordanCell extends tf.layers.Layer {
  static className = 'JordanCell';
  readonly units: number[];
  readonly outputUnits: number;
  readonly activation: ActivationName;
  readonly outputActivation: ActivationName;
  readonly seed: number | undefined;
  readonly stateSize: number;
  private kernels: tfTypes.LayerVariable[] = [];
  private biases: tfTypes.LayerVariable[] = [];
  private recurrentKernel?: tfTypes.LayerVariable;
  private outputKernel?: tfTypes.LayerVariable;
  private outputBias?: tfTypes.LayerVariable;
  private readonly hiddenAct: tfTypes.layers.Layer;
  private readonly outputAct: tfTypes.layers.Layer;

  constructor(config: JordanCellConfig) {
    super({ name: config.name });
    if (
      !Array.isArray(config.units) ||
      config.units.length === 0 ||
      config.units.some((u) => !Number.isInteger(u) || u <= 0)
    ) {
      throw new Error(
        `JordanCell: units ${JSON.stringify(config.units)} must be a non-empty list of positive integers, e.g. [5, 5].`,
      );
    }
    if (!Number.isInteger(config.outputUnits) || config.outputUnits <= 0) {
      throw new Error(
        `JordanCell: outputUnits = ${String(config.outputUnits)} must be a positive integer (the size of the output, which is also the state), e.g. 1.`,
      );
    }
    this.units = [...config.units];
    this.outputUnits = config.outputUnits;
    this.activation = config.activation ?? 'tanh';
    this.outputActivation = config.outputActivation ?? 'linear';
    checkActivationName('JordanCell: activation', this.activation);
    checkActivationName('JordanCell: outputActivation', this.outputActivation);
    // tfjs computes the registry's activations by name (the same names as in its layer configs)
    this.hiddenAct = tf.layers.activation({ activation: this.activation });
    this.outputAct = tf.layers.activation({ activation: this.outputActivation });
    this.seed = config.seed;
    this.stateSize = this.outputUnits;
  }

  build(inputShape: tfTypes.Shape | tfTypes.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfTypes.Shape;
    const features = shape[shape.length - 1] as number;
    const seed = this.seed;
    const glorot = (k: number) => tf.initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + k });
    let inSize = features;
    this.units.forEach((u, l) => {
      this.kernels.push(this.addWeight(`kernel_${l}`, [inSize, u], 'float32', glorot(l * 3)));
      if (l === 0) {
        this.recurrentKernel = this.addWeight('recurrent_kernel', [this.outputUnits, u], 'float32', glorot(1));
      }
      this.biases.push(this.addWeight(`bias_${l}`, [u], 'float32', tf.initializers.zeros()));
      inSize = u;
    });
    this.outputKernel = this.addWeight('output_kernel', [inSize, this.outputUnits], 'float32', glorot(2));
    this.outputBias = this.addWeight('output_bias', [this.outputUnits], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor[] {
    return tf.tidy(() => {
      const list = inputs as Tensor[];
      const x = list[0];
      const yPrev = list[1];
      const act = (layer: tfTypes.layers.Layer, z: Tensor) => layer.apply(z) as Tensor;
      const z0 = tf.add(
        tf.add(tf.matMul(x, this.kernels[0].read()), tf.matMul(yPrev, this.recurrentKernel!.read())),
        this.biases[0].read(),
      );
      let h = act(this.hiddenAct, z0);
      for (let l = 1; l < this.units.length; l++) {
        h = act(this.hiddenAct, tf.add(tf.matMul(h, this.kernels[l].read()), this.biases[l].read()));
      }
      const y = act(this.outputAct, tf.add(tf.matMul(h, this.outputKernel!.read()), this.outputBias!.read()));
      return [y, y];
    });
  }

  computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfTypes.Shape;
    return [
      [shape[0], this.outputUnits],
      [shape[0], this.outputUnits],
    ];
  }

  getConfig(): tfTypes.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      outputUnits: this.outputUnits,
      activation: this.activation,
      outputActivation: this.outputActivation,
      seed: this.seed ?? null,
    } as unknown as tfTypes.serialization.ConfigDict;
  }

  static fromConfig<T extends tfTypes.serialization.Serializable>(
    cls: tfTypes.serialization.SerializableConstructor<T>,
    config: tfTypes.serialization.ConfigDict,
  ): T {
    const c = config as unknown as JordanCellConfig & { seed: number | null };
    return new cls({ ...c, seed: c.seed ?? undefined } as unknown as tfTypes.serialization.ConfigDict);
  }
}

tf.serialization.registerClass(JordanCell);
