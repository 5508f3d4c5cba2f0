"""Names vulture cannot see used: framework callbacks, fields and hooks (see each group)."""

# FastAPI routes and exception handlers, registered by decorators
_api_error
_timeout
_invalid
_http
_unexpected
_database_down
_database_error
_deadline
_data_error
_conflict
scan_cells
list_outcomes
get_outcome
list_courses
get_course
list_programmes
get_programme
create_course
update_course
patch_course
patch_programme
delete_course
create_programme
update_programme
delete_programme
health
start_scan
scan_status
scan_report
scan_report_page

# Typer commands, registered by decorators
migrate_command
import_command
export_command
add_client_command

# pydantic: configuration, validators and fields of response models
model_config
_._check_ects
_._code_str
_._plain_codes
_._check_areas
_._areas_add_up
_._bounded_depth
_._enough_items
_._check_admission
_._check_weeks
_._check_order
best_ects
bachelor_name
master_name
explanation
opened_count
newly_opened
beyond_budget_ects
schema_revision
started_at
input  # a transcript line's entry as given (TranscriptLineOut)
transcript  # each recognised transcript line (EligibilityResponse)
required  # also a field of the engine's GradeCheck, written by fields_json

# SQLAlchemy: type decorator hooks, the SQLite connect listener, columns
impl
cache_ok
_.process_bind_param
_.process_result_value
_pragmas
_statement_timeout
expired_at
updated_at
programme_code  # rows grouped by it, read by name

# OR-Tools: solver parameters and the CpModel hook overridden
_._add_pre_pep8_methods
_.num_workers
_.linearization_level
_.cp_model_presolve
_.random_seed
_.max_time_in_seconds

# Data read by people and templates: Bloom levels, status words and colours, memo docs
REMEMBER
UNDERSTAND
APPLY
ANALYSE
EVALUATE
CREATE
colour
en
nl
why

# Used by tests and scripts: waiting for a job, the schema head, snapshot build counts, the
# engine executor's load
_.wait
head_revision
_.builds
_.pending

# Planning: the February start, the minor window and each course's placement, for the
# integration into the scan and the minor model (used by the tests until then)
FEBRUARY
minor_window
_.placements

# Interop: Typer commands registered by decorators; metric fields read with getattr
ca_export
ca_import
blocking_factor
delay_factor
ooapi_export
ooapi_import
ooapi_service  # FastAPI routes of api/routes/ooapi.py
learning_outcomes
programme_courses
course_offerings
learning_outcome
organisation
academic_session
import_ooapi  # the catalogue alone of read_ooapi (tests and library use)
# web pages: FastAPI routes
student_page
student_check
directors_page
directors_pair
directors_row
directors_column
directors_minor
directors_flagship
directors_minor_form
directors_sign_in
directors_sign_out
directors_scan
swagger_ui
swagger_ui_redirect
redoc
favicon
# the memo spaces as a whole: read by the benchmarks (which spaces hold answers) and the tests
SPACES
answers
# read by the student page template (answer.mode)
mode
# pydantic fields read from the data and shown by the API (the master's pre-master, a cell's package)
cap_source
ceiling_source
leaves_unmet
fixed_package
# storage helpers the tests and scripts use to set up jobs
create_job
