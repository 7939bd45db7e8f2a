import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, Controller, Get } from '@nestjs/common';
@Controller() class C { @Get() hi() { return 'ok'; } }
@Module({ controllers: [C] }) class M {}
NestFactory.create(M).then((a) => a.listen(3006));
