// Where PostgreSQL's time goes in the platform's runs: pg_stat_statements of C's database, reset
// before each measured run and read after it. The project's local cluster loads the extension
// (scripts/infra/postgres.sh); on another server without it the section says so and is skipped.
import { Client } from 'pg';

export interface StatementFigure {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

export interface StatementReport {
  run: string;
  /** Statement time of the run's database in all, and the statements with the most of it. */
  totalMs: number;
  calls: number;
  top: StatementFigure[];
}

export class StatementStats {
  private client?: Client;
  private available = false;

  constructor(
    private readonly adminUrl: string,
    private readonly databaseName: string,
  ) {}

  /** Answers why statements cannot be measured, or undefined when they can. */
  async start(): Promise<string | undefined> {
    this.client = new Client({ connectionString: this.adminUrl });
    await this.client.connect();
    try {
      await this.client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await this.client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
      this.available = true;
      return undefined;
    } catch (error) {
      return `PostgreSQL statement statistics not available (${(error as Error).message}): load pg_stat_statements (shared_preload_libraries) to see them`;
    }
  }

  /** Forgets what the run's database did so far. */
  async reset(): Promise<void> {
    if (!this.available) return;
    await this.client!.query('SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = $1), 0)', [this.databaseName]);
  }

  /** The statements of the run's database since the reset, most time first. */
  async read(run: string, limit = 12): Promise<StatementReport | undefined> {
    if (!this.available) return undefined;
    const { rows } = await this.client!.query<{ query: string; calls: string; total_ms: number; rows: string }>(
      `SELECT s.query, s.calls, s.total_exec_time AS total_ms, s.rows
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = $1 AND s.calls > 0
        ORDER BY s.total_exec_time DESC`,
      [this.databaseName],
    );
    const figures = rows.map((r) => ({ query: r.query.replace(/\s+/g, ' ').trim(), calls: Number(r.calls), totalMs: r.total_ms, meanMs: r.total_ms / Number(r.calls), rows: Number(r.rows) }));
    return {
      run,
      totalMs: figures.reduce((sum, f) => sum + f.totalMs, 0),
      calls: figures.reduce((sum, f) => sum + f.calls, 0),
      top: figures.slice(0, limit),
    };
  }

  async stop(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
