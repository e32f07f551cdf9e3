import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `"true"`/`"false"` from a query string; anything else stays as is and fails validation. */
export const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
/** A numeric query string to a number; anything else stays as is and fails validation. */
export const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

/** What every directory list accepts: paging, sorting and a diacritic-insensitive search. */
export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque; the `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @ApiPropertyOptional({ description: 'A sort key, `-` for descending (e.g. `name`, `-createdAt`)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  sort?: string;

  @ApiPropertyOptional({
    description:
      'Search ignoring Vietnamese diacritics and case ("nguyen van an" finds "Nguyễn Văn An"). A search lists at most 1,000 matches ' +
      '(the first the index finds, in the requested order); when more match, the page says `truncated: true`: refine the search. ' +
      'Exports list every match.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'true: active only; false: deactivated only; absent: both' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  active?: boolean;
}

/** The `truncated` flag of a directory list page (see the `q` parameter). */
export const SEARCH_TRUNCATED_DESCRIPTION =
  'Present when `q` is given: true when more than 1,000 rows matched and only the first 1,000 found are listed (in the requested order). Refine the search to see the others.';
