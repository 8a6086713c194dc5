/** The course data sets: where they come from and how to check them (see data/README.md). */
export interface DatasetInfo {
  name: DatasetName;
  file: string;
  url: string;
  /** sha256 of the file as published (undefined: checked by md5 instead). */
  sha256?: string;
  md5?: string;
  size: number;
  /** The download is a zip holding `file`. */
  zipped?: boolean;
  dateColumn: string;
  /** `iso` = yyyy-mm-dd[ HH:MM:SS]; `dmy` = dd.mm.yyyy HH:MM:SS (Jena). */
  dateFormat: 'iso' | 'dmy';
  /** First and last date of the registered file (UTC, ISO): a local copy that covers less is reported. */
  first: string;
  last: string;
  /** Data rows of the registered file, when known (shown in messages). */
  rows?: number;
  description: string;
}

export type DatasetName = 'melbourne' | 'amazon' | 'iberdrola' | 'sp500' | 'jena';

export const DATASETS: Record<DatasetName, DatasetInfo> = {
  melbourne: {
    name: 'melbourne',
    file: 'daily-min-temperatures.csv',
    url: 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv',
    sha256: '8b9de63ed6789492bf497625e7f9beb96a63d367b4b0a21754006f749fa5e5da',
    size: 67921,
    dateColumn: 'Date',
    dateFormat: 'iso',
    first: '1981-01-01',
    last: '1990-12-31',
    rows: 3650,
    description: 'Temperatura mínima diaria en Melbourne (°C), 1981–1990, 3.650 días',
  },
  amazon: {
    name: 'amazon',
    file: 'AMZN.csv',
    url: 'https://raw.githubusercontent.com/anmitsis/Amazon-Stock-Forecasting/75e0ab13fda93a2bf0d5acaaea908c3b6019e275/AMZN.csv',
    sha256: '03a40fb7314680e68c6a601da63749a45f88cb5288770aede8f197957efd998e',
    size: 444858,
    dateColumn: 'Date',
    dateFormat: 'iso',
    first: '1997-05-15',
    last: '2023-04-05',
    rows: 6516,
    description: 'Cotización diaria de Amazon (AMZN), Yahoo Finance, 1997-05-15 … 2023-04-05',
  },
  iberdrola: {
    name: 'iberdrola',
    file: 'IBE.MC.csv',
    url: 'https://raw.githubusercontent.com/thekily/stock-analysis/7d744728a04c876cd3dae84f5523a5a088022d0c/data/IBE.MC.csv',
    sha256: '6a6160d0afdd230f0dc05e00879e4522e87ebb892414eca6734892b337702ad5',
    size: 228684,
    dateColumn: 'Date',
    dateFormat: 'iso',
    first: '2004-08-19',
    last: '2018-05-04',
    rows: 3508,
    description: 'Cotización diaria de Iberdrola (IBE.MC), Yahoo Finance, 2004-08-19 … 2018-05-04',
  },
  sp500: {
    name: 'sp500',
    file: 'SP500_Datos.csv',
    url: 'https://raw.githubusercontent.com/JJ-team-2021/Modelos-de-Caja-Negra/369455b17db33c09a39cd9119aebbdb6065253f8/RNN/SP500_Datos.csv',
    sha256: '80c6aeb546bad43fb68b2facdb1972c2693e565838d45d8fe0eae0715f177c32',
    size: 141390,
    dateColumn: 'ds',
    dateFormat: 'iso',
    first: '1979-04-11',
    last: '2008-04-11',
    rows: 7322,
    description: 'Índice S&P 500 diario (ds, y), 1979-04-11 … 2008-04-11',
  },
  jena: {
    name: 'jena',
    file: 'jena_climate_2009_2016.csv',
    url: 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/jena_climate_2009_2016.csv.zip',
    md5: '959915f05bfafef18e471a97ae679535',
    size: 43164220,
    zipped: true,
    dateColumn: 'Date Time',
    dateFormat: 'dmy',
    first: '2009-01-01T00:10:00Z',
    last: '2017-01-01T00:00:00Z',
    description: 'Clima de Jena (Max Planck), 2009–2016, cada 10 minutos, 14 variables',
  },
};

/** The registry entry of `name`, or an error listing the valid names. */
export function datasetInfo(name: string): DatasetInfo {
  const info = (DATASETS as Record<string, DatasetInfo>)[name];
  if (!info) {
    throw new Error(
      `Unknown dataset "${name}": use one of ${Object.keys(DATASETS).join(', ')} (or loadCsv(path) for your own file).`,
    );
  }
  return info;
}
