"""index areas (lĩnh vực đánh giá): a rubric's criteria grouped by area; one area for each existing rubric

Revision ID: h7a1c2e3a4b5
Revises: a1ead0c1ty01
Create Date: 2026-12-05 08:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'h7a1c2e3a4b5'
down_revision = 'a1ead0c1ty01'
branch_labels = None
depends_on = None

# The area an existing rubric's criteria go to, by rubric code (the built-in ones); any other rubric gets
# one area named after itself, so that every criterion keeps counting as before.
KNOWN_AREAS = {
    "cchc-tthc": "Cải cách thủ tục hành chính",
    "qd766-tiendo": "Tiến độ, kết quả giải quyết",
}


def upgrade():
    op.create_table('index_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['rubric_id'], ['index_rubrics.id'], name=op.f('fk_index_areas_rubric_id_index_rubrics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_areas')),
    sa.UniqueConstraint('rubric_id', 'code', name=op.f('uq_index_areas_rubric_id_code'))
    )
    with op.batch_alter_table('index_criteria', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_index_criteria_area_id'), ['area_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_index_criteria_area_id_index_areas'), 'index_areas',
                                    ['area_id'], ['id'])

    connection = op.get_bind()
    rubrics = sa.table('index_rubrics', sa.column('id', sa.Integer), sa.column('code', sa.String),
                       sa.column('name', sa.String))
    areas = sa.table('index_areas', sa.column('id', sa.Integer), sa.column('rubric_id', sa.Integer),
                     sa.column('position', sa.Integer), sa.column('code', sa.String), sa.column('name', sa.Text))
    criteria = sa.table('index_criteria', sa.column('rubric_id', sa.Integer), sa.column('area_id', sa.Integer))
    for rubric_id, code, name in connection.execute(sa.select(rubrics.c.id, rubrics.c.code, rubrics.c.name)).all():
        connection.execute(areas.insert().values(rubric_id=rubric_id, position=1, code="LV1",
                                                 name=KNOWN_AREAS.get(code, name)))
        area_id = connection.execute(sa.select(areas.c.id).where(areas.c.rubric_id == rubric_id)).scalar_one()
        connection.execute(criteria.update().where(criteria.c.rubric_id == rubric_id).values(area_id=area_id))


def downgrade():
    with op.batch_alter_table('index_criteria', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_index_criteria_area_id_index_areas'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_index_criteria_area_id'))
        batch_op.drop_column('area_id')
    op.drop_table('index_areas')
