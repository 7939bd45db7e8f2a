import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
 * Reads `account.account_view` for the HTTP side; only the accountView projection writes it.
 */
@Injectable()
export class AccountViewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(id: string): Promise<AccountView | undefined> {
    const rows: AccountView[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM account.account_view WHERE id = $1`, [id]);
    return rows[0];
  }
}
