import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every exam choice offered on a chance, not only the latest: while a chance stays GRANTED, each
 * exam-eligible violation assessed brings its own offer (exam-chance.updated.v1 `offer`), and the
 * merchant may choose any of them until its own choiceClosesAt. The offer columns of
 * standing_exam_chance keep the latest one; this table keeps them all.
 */
export class StandingExamOffers1763900500000 implements MigrationInterface {
  name = 'StandingExamOffers1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE standing_exam_offer (
        chance_id        text NOT NULL,
        violation_id     text NOT NULL,
        merchant_id      text NOT NULL,
        choice_closes_at timestamptz NOT NULL,
        offered_at       timestamptz NOT NULL,
        PRIMARY KEY (chance_id, violation_id)
      )`);
    await queryRunner.query('CREATE INDEX standing_exam_offer_merchant ON standing_exam_offer (merchant_id)');
    // The offers already projected: the latest of each chance.
    await queryRunner.query(`
      INSERT INTO standing_exam_offer (chance_id, violation_id, merchant_id, choice_closes_at, offered_at)
      SELECT chance_id, offer_violation_id, merchant_id, offer_choice_closes_at, updated_at FROM standing_exam_chance
      WHERE offer_violation_id IS NOT NULL AND offer_choice_closes_at IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE standing_exam_offer');
  }
}
