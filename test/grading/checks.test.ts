import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildElman,
  buildLSTM,
  byMode,
  CheckFailed,
  checkClose,
  checkEqual,
  checkLayers,
  checkParams,
  checkShown,
  checkThat,
  checkTraining,
  initBackend,
  lagWindows,
  lossFigure,
  seriesFigure,
  show,
  shownFigures,
  train,
} from '../../src';

const logged: string[] = [];
vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
  logged.push(args.join(' '));
});

afterEach(() => {
  logged.length = 0;
  delete process.env.RNN_QUICK;
});

describe('autograder checks', () => {
  it('pass with one ✓ line and fail with the value found and the one expected', () => {
    checkThat('lags', true, 7, '7');
    expect(logged).toEqual(['✓ lags: 7']);
    expect(() => checkThat('lags', false, 3, '7')).toThrow(new CheckFailed('✗ lags: se obtuvo 3, se esperaba 7'));
    checkEqual('forma', [2980, 20, 1], [2980, 20, 1]);
    checkEqual('rango', { max: 15, min: 0 }, { min: 0, max: 15 });
    checkEqual('datos', new Float64Array([1, 2]), [1, 2]);
    expect(() => checkEqual('forma', [2980, 7, 1], [2980, 20, 1])).toThrow(
      'se obtuvo [2980,7,1], se esperaba [2980,20,1]',
    );
  });

  it('checkClose accepts the band and rejects outside it, NaN and non-numbers', () => {
    checkClose('RMSE', 2.5, 2.46, { rel: 0.1 });
    checkClose('RMSE', 2.5, 2.46, { abs: 0.05 });
    expect(() => checkClose('RMSE', 2.8, 2.46, { rel: 0.1 })).toThrow(
      '✗ RMSE: se obtuvo 2.800, se esperaba 2.460 ± 10 %',
    );
    expect(() => checkClose('RMSE', Number.NaN, 2.46, { rel: 0.1 })).toThrow(CheckFailed);
    expect(() => checkClose('RMSE', '2.46' as unknown as number, 2.46, { abs: 1 })).toThrow(CheckFailed);
    expect(() => checkClose('RMSE', 2.46, 2.46, {})).toThrow('give { rel } or { abs }');
  });

  it('checkLayers compares the given fields layer by layer and names what differs', async () => {
    await initBackend();
    const elman = buildElman({ steps: 20, features: 1, units: [5, 5], seed: 1 });
    checkLayers(elman, [
      { layer: 'SimpleRNN', units: 5, activation: 'tanh', returnSequences: true, inputShape: '[null,20,1]' },
      { layer: 'SimpleRNN', units: 5, returnSequences: false },
      { layer: 'Dense', units: 1 },
    ]);
    expect(logged.at(-1)).toBe(
      '✓ arquitectura: SimpleRNN(5, tanh, returnSequences) → SimpleRNN(5, tanh) → Dense(1, linear)',
    );
    checkParams(elman, elman.countParams());
    const lstm = buildLSTM({ steps: 20, features: 1, units: [3], seed: 1 });
    expect(() =>
      checkLayers(lstm, [
        { layer: 'LSTM', units: 5 },
        { layer: 'Dense', units: 1 },
      ]),
    ).toThrow(
      '✗ arquitectura: se obtuvo LSTM(3, tanh) → Dense(1, linear) (capa 1 units), se esperaba LSTM(5) → Dense(1)',
    );
    expect(() => checkLayers(lstm, [{ layer: 'LSTM' }])).toThrow('(2 capas)');
    // 4 gates × (3 × (1 + 3) + 3) + Dense 3 + 1 = 64
    expect(() => checkParams(lstm, 96)).toThrow('✗ parámetros: se obtuvo 64, se esperaba 96');
  });

  it('checkTraining reads the settings train() ran with, defaults filled in', async () => {
    await initBackend();
    const series = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i / 5));
    const data = lagWindows(series, 5);
    const model = buildElman({ steps: 5, features: 1, units: [3], seed: 2 });
    const hist = await train(model, data, { epochs: 2, batchSize: 8, progress: 'none', seed: 3 });
    expect(hist.settings).toMatchObject({
      epochs: 2,
      batchSize: 8,
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'mse',
      shuffle: true,
      seed: 3,
      trainWindows: 55,
      validationWindows: 0,
    });
    checkTraining(hist, { epochs: 2, batchSize: 8, optimizer: 'adam', learningRate: 0.001 });
    expect(() => checkTraining(hist, { epochs: 200, batchSize: 8 })).toThrow(
      '✗ entrenamiento: se obtuvo {"epochs":2,"batchSize":8}, se esperaba {"batchSize":8,"epochs":200} (distinto: epochs)',
    );
    expect(() => checkTraining({} as typeof hist, { epochs: 2 })).toThrow('no es el resultado de train()');
  });

  it('checkShown finds a chart shown in this session by a part of its title, with data', async () => {
    const before = shownFigures().length;
    await show(seriesFigure([1, 2, 3], { Cierre: [4, 5, 6] }, { title: 'Amazon: cotización al cierre' }), {
      staticImage: false,
    });
    await show(lossFigure({ Elman: { history: { loss: [] } } as never }, { title: 'Pérdida vacía' }), {
      staticImage: false,
    });
    expect(shownFigures().slice(before)[0]).toEqual({
      title: 'Amazon: cotización al cierre',
      traces: ['Cierre'],
      points: [3],
    });
    checkShown('COTIZACIÓN AL CIERRE');
    expect(() => checkShown('cotización', { traces: 2 })).toThrow('no se mostró con show() con datos en cada traza');
    expect(() => checkShown('Pérdida vacía')).toThrow(CheckFailed);
    expect(() => checkShown('hit rate')).toThrow('gráficos mostrados: ');
  });

  it('byMode picks the documents’ reference or the quick-mode one', () => {
    expect(byMode(2.46, 3.1)).toBe(2.46);
    process.env.RNN_QUICK = '1';
    expect(byMode(2.46, 3.1)).toBe(3.1);
  });
});
