import { CommandMetadata } from '@app/domain';
import { ApiProblems, Callers, CommandMeta } from '@app/platform';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AssessmentService } from '../assessment.service';
import { AssessDto } from './assess.dto';
import { AssessmentAnswer } from './assessment-answer';

@ApiTags('assessments')
@Controller('assessments')
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentService) {}

  @Post()
  @Callers('service:checkout')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Assess a checkout: approve, review or reject, with a score and stable reason codes',
    description:
      'An account or merchant Fraud has not learned of yet is approved with NO_HISTORY / UNKNOWN_MERCHANT (Checkout checks both at their source).',
  })
  @ApiOkResponse({ type: AssessmentAnswer })
  @ApiProblems({ 409: ['ASSESSMENT_CONFLICT'] })
  assess(@Body() body: AssessDto, @CommandMeta() metadata: CommandMetadata) {
    return this.assessments.assess(
      { accountId: body.accountId, merchantId: body.merchantId, amount: body.amount, currency: body.currency, checkoutId: body.checkoutId },
      metadata,
    );
  }
}
