import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Address } from '../domain/account.events';

export interface AccountView {
  id: string;
  name: string;
  lastName: string;
  country: string;
  address: Address;
  phoneNumbers: string[];
  limit: number;
  balance: number;
  currency: string;
  status: 'active' | 'locked';
  vip: boolean;
  /** The stream version this view reflects. */
  version: number;
}

const COLUMNS = `id, name, last_name AS "lastName", country, address, phone_numbers AS "phoneNumbers",
  credit_limit::float8 AS "limit", balance::float8 AS balance, currency, status, vip, version`;

/** Reads and writes `account.account_view`; written only by the projection, read by the HTTP side. */
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
      [view.id, view.name, view.lastName, view.country, JSON.stringify(view.address), JSON.stringify(view.phoneNumbers),
        view.limit, view.balance, view.currency, view.status, view.vip, view.version],
    );
  }

  async updateLimit(manager: EntityManager, id: string, newLimit: number, oldLimit: number, version: number): Promise<void> {
    // Available funds move with the limit: balance = limit − open purchases.
    await manager.query(
      `UPDATE account.account_view SET credit_limit = $2, balance = balance + ($2::bigint - $3::bigint), version = $4 WHERE id = $1`,
      [id, newLimit, oldLimit, version],
    );
  }
}
