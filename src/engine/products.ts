/**
 * The matrix products of the layers with named operands, over the positional kernels of
 * kernel-abi.ts (whose argument order is the WebAssembly ABI). A matrix operand is a block of a
 * row-major matrix in the engine heap (`MatrixBlock`: address, stride, rows, columns);
 * a vector is a byte address (`HeapArray.at`). Each method is one kernel call with the
 * kernel's own floating-point operations (kernels.wat gives their order) and allocates
 * nothing, so the per-step products of the recurrences go through it at no cost.
 */
import type { HeapArray } from './heap';
import type { Kernels } from './kernel-abi';

/**
 * A block of a row-major matrix in the engine heap: `rows` × `cols` values of `valueBytes`
 * bytes each, the first at byte `address`, consecutive rows `stride` values apart (the whole
 * matrix's width).
 */
export class MatrixBlock {
  // declared, not defined (see HeapArray)
  declare readonly address: number;
  declare readonly rows: number;
  declare readonly cols: number;
  declare readonly stride: number;
  declare readonly valueBytes: number;
  constructor(address: number, rows: number, cols: number, stride: number, valueBytes: number) {
    this.address = address;
    this.rows = rows;
    this.cols = cols;
    this.stride = stride;
    this.valueBytes = valueBytes;
  }

  /** The whole `rows` × `cols` matrix stored in `a`. */
  static of(a: HeapArray, rows: number, cols: number): MatrixBlock {
    return new MatrixBlock(a.address, rows, cols, cols, a.valueBytes);
  }

  /** Columns `from` … `from + cols` of this block, all its rows. */
  columns(from: number, cols: number): MatrixBlock {
    return new MatrixBlock(this.address + this.valueBytes * from, this.rows, cols, this.stride, this.valueBytes);
  }
}

/** A sequence of rows, one per time step: row t starts `stride` values after row t − 1. */
export interface StepRows {
  readonly address: number;
  readonly stride: number;
}

/** What `Products.addWeightGradient` adds: Σ_t inputs_tᵀ · deltas_t into a weight block. */
export interface WeightGradient {
  /** The gradient block of the weights, [inputs per step × deltas per step]. */
  into: MatrixBlock;
  /** Each step's input to the product x_t·W (its first `into.rows` values are used). */
  inputs: StepRows;
  /** Each step's gradient w.r.t. the product's result (its first `into.cols` values). */
  deltas: StepRows;
  steps: number;
}

/** The matrix products, by what they compute. */
export class Products {
  declare private readonly kernels: Kernels; // declared, not defined (see HeapArray)
  constructor(kernels: Kernels) {
    this.kernels = kernels;
  }

  /**
   * into[j] += Σ_k row[k] · m[k][j] (k < m.rows, j < m.cols): a row vector times a block,
   * added to `into`; rows whose row[k] is 0 add nothing.
   */
  addRowTimesMatrix(into: number, row: number, m: MatrixBlock): void {
    this.kernels.mvacc(into, row, m.rows, m.address, m.stride, m.cols);
  }

  /**
   * into[k] = Σ_j m[k][j] · column[j] (k < m.rows, j < m.cols): the block times a column
   * vector, the gradient of addRowTimesMatrix's result w.r.t. its row.
   */
  matrixTimesColumn(into: number, column: number, m: MatrixBlock): void {
    this.kernels.mvdot(into, column, m.rows, m.address, m.stride, m.cols, 0);
  }

  /** into[k] += Σ_j m[k][j] · column[j]: matrixTimesColumn added to `into`. */
  addMatrixTimesColumn(into: number, column: number, m: MatrixBlock): void {
    this.kernels.mvdot(into, column, m.rows, m.address, m.stride, m.cols, 1);
  }

  /**
   * into[k][j] += Σ_{t<steps} inputs_t[k] · deltas_t[j]: the gradient of the weights W of
   * the products x_t·W over a whole sequence, added to `into`; steps are added in order.
   */
  addWeightGradient({ into, inputs, deltas, steps }: WeightGradient): void {
    this.kernels.mtacc(
      into.address,
      into.stride,
      inputs.address,
      inputs.stride,
      into.rows,
      deltas.address,
      deltas.stride,
      into.cols,
      steps,
    );
  }
}
