import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountAddress, AccountStatus } from '../domain/account.events';

export interface AccountView {
  id: string;
  name: string;
  lastName: string;
  country: string;
  address: AccountAddress;
  phoneNumbers: string[];
  limit: number;
  balance: number;
  currency: string;
  status: AccountStatus;
  vip: boolean;
  /** The stream version this view reflects. */
  version: number;
}

const COLUMNS = `id, name, last_name AS "lastName", country, address, phone_numbers AS "phoneNumbers",
  credit_limit::float8 AS "limit", balance::float8 AS balance, currency, status, vip, version`;

/**
 * Reads and writes `account.account_view`; written only by the projection, read by the HTTP side.
 * Every write states the version it brings the view to.
 */
@Injectable()
export class AccountViewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(id: string): Promise<AccountView | undefined> {
    const rows: AccountView[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM account.account_view WHERE id = $1`, [id]);
    return rows[0];
  }

  async insert(manager: EntityManager, view: AccountView): Promise<void> {
    await manager.query(
      `INSERT INTO account.account_view (id, name, last_name, country, address, phone_numbers, credit_limit, balance, currency, status, vip, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        view.id,
        view.name,
        view.lastName,
        view.country,
        JSON.stringify(view.address),
        JSON.stringify(view.phoneNumbers),
        view.limit,
        view.balance,
        view.currency,
        view.status,
        view.vip,
        view.version,
      ],
    );
  }

  /** Available funds move with the limit (balance = limit − open purchases); answers the account's country. */
  async changeLimit(manager: EntityManager, id: string, newLimit: number, oldLimit: number, version: number): Promise<string> {
    const rows = await this.update(
      manager,
      id,
      version,
      'credit_limit = $3, balance = balance + ($3::bigint - $4::bigint)',
      [newLimit, oldLimit],
      'country',
    );
    return rows[0].country;
  }

  /** One statement for the balances of distinct accounts. */
  async setBalances(manager: EntityManager, balances: readonly { id: string; balance: number; version: number }[]): Promise<void> {
    const [rows] = (await manager.query(
      `UPDATE account.account_view v SET balance = i.balance, version = i.version
         FROM unnest($1::uuid[], $2::bigint[], $3::int[]) AS i(id, balance, version)
        WHERE v.id = i.id RETURNING v.id`,
      [balances.map((b) => b.id), balances.map((b) => b.balance), balances.map((b) => b.version)],
    )) as [unknown[], number];
    // As in update(), a missing row is a fault worth retrying, and so are two events of one account (a
    // row changes once per statement): the consumer then applies the events one by one.
    if (rows.length < balances.length) throw new Error(`${balances.length - rows.length} of ${balances.length} account views are missing`);
  }

  async setAddress(manager: EntityManager, id: string, address: AccountAddress, version: number): Promise<void> {
    await this.update(manager, id, version, 'address = $3', [JSON.stringify(address)]);
  }

  async addPhoneNumber(manager: EntityManager, id: string, phoneNumber: string, version: number): Promise<void> {
    await this.update(manager, id, version, 'phone_numbers = phone_numbers || jsonb_build_array($3::text)', [phoneNumber]);
  }

  async setStatus(manager: EntityManager, id: string, status: AccountStatus, version: number): Promise<void> {
    await this.update(manager, id, version, 'status = $3', [status]);
  }

  async setVip(manager: EntityManager, id: string, vip: boolean, version: number): Promise<void> {
    await this.update(manager, id, version, 'vip = $3', [vip]);
  }

  private async update(manager: EntityManager, id: string, version: number, assignments: string, values: unknown[], returning = 'id') {
    const [rows] = (await manager.query(
      `UPDATE account.account_view SET ${assignments}, version = $2 WHERE id = $1 RETURNING ${returning}`,
      [id, version, ...values],
    )) as [Record<string, string>[], number];
    // The transport applies AccountOpened first, so a missing row is a fault worth retrying, not a skip.
    if (rows.length === 0) throw new Error(`account view ${id} is missing at version ${version}`);
    return rows;
  }
}
