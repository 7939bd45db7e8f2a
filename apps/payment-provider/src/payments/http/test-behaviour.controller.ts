import { Body, Controller, Delete, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BehaviourService } from '../behaviour/behaviour.service';
import { ProviderBehaviour } from '../behaviour/provider-behaviour';
import { BehaviourPatchDto } from './behaviour.dto';

/** Test-only knobs; not registered when `PROVIDER_TEST_ROUTES=false`. */
@ApiTags('test')
@Controller('test/behaviour')
export class TestBehaviourController {
  constructor(private readonly behaviour: BehaviourService) {}

  @Get()
  current(): ProviderBehaviour {
    return this.behaviour.behaviour;
  }

  @Put()
  @ApiOperation({ summary: 'Change the named operations’ knobs; the rest stay as they are' })
  change(@Body() patch: BehaviourPatchDto): ProviderBehaviour {
    return this.behaviour.patch(patch);
  }

  @Delete()
  @ApiOperation({ summary: 'Back to the behaviour configured by the environment' })
  reset(): ProviderBehaviour {
    return this.behaviour.reset();
  }
}
