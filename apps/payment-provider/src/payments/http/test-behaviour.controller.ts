import { Body, Controller, Delete, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BehaviourService } from '../behaviour/behaviour.service';
import { ProviderBehaviour } from '../behaviour/provider-behaviour';
import { BehaviourPatchDto, ProviderBehaviourAnswer } from './behaviour.dto';

/** Test-only knobs; not registered when `PROVIDER_TEST_ROUTES=false`. */
@ApiTags('test')
@Controller('test/behaviour')
export class TestBehaviourController {
  constructor(private readonly behaviour: BehaviourService) {}

  @Get()
  @ApiOperation({ summary: 'The simulated behaviour of every operation' })
  @ApiOkResponse({ type: ProviderBehaviourAnswer })
  current(): ProviderBehaviour {
    return this.behaviour.behaviour;
  }

  @Put()
  @ApiOperation({ summary: 'Change the named operations’ knobs; the rest stay as they are' })
  @ApiOkResponse({ type: ProviderBehaviourAnswer })
  change(@Body() patch: BehaviourPatchDto): ProviderBehaviour {
    return this.behaviour.patch(patch);
  }

  @Delete()
  @ApiOperation({ summary: 'Back to the behaviour configured by the environment' })
  @ApiOkResponse({ type: ProviderBehaviourAnswer })
  reset(): ProviderBehaviour {
    return this.behaviour.reset();
  }
}
