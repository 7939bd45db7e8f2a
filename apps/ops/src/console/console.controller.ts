import { Public } from '@app/platform';
import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CONSOLE_CSS, CONSOLE_HTML } from './console-page';
import { loadConsoleScripts } from './console-scripts';

// Only our own script, styles and API: a dead letter's content can never run in the page.
const POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The web console: one page, its styles, and its browser modules compiled from apps/ops/console (no CDN). */
@ApiExcludeController()
// The page and its assets hold no data; every call they make carries the operator's token.
@Controller('console')
@Public()
export class ConsoleController {
  private readonly scripts = loadConsoleScripts();

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', POLICY)
  @Header('cache-control', 'no-cache')
  page(): string {
    return CONSOLE_HTML;
  }

  @Get('app.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  style(): string {
    return CONSOLE_CSS;
  }

  @Get(':file')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  script(@Param('file') file: string): string {
    const script = this.scripts.get(file);
    if (script === undefined) throw new NotFoundException(`The console has no ${file}`);
    return script;
  }
}
