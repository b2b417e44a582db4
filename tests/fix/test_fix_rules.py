"""Each fix on YAML with comments around it: the exact text after ``attune-lint fix``."""
from __future__ import annotations

from pathlib import Path

from fix_testkit import dedent, fix_text


def test_legacy_transitions_become_next_in_the_platforms_order_with_their_comments(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"   # the graph's version
        tasks:
          # builds the thing
          - name: build
            action: core.echo   # an action
            # on failure, tell someone
            on_failure: alert  # page
            on_success: deploy  # go on
            publish:
              # what the build made
              - artifact: "{{ result().path }}"  # the path
            retry: {count: 2, delay: 5}
          - name: deploy
            action: core.echo
          - name: alert
            action: core.echo
        # the end
    """
    after = """
        version: "1.0.0"   # the graph's version
        tasks:
          # builds the thing
          - name: build
            action: core.echo   # an action
            next:
              - when: "{{ succeeded() }}"
                publish:
                  # what the build made
                  - artifact: "{{ result().path }}"  # the path
                do: [deploy]  # go on
              # on failure, tell someone
              - when: "{{ failed() }}"
                do: [alert]  # page
            retry: {count: 2, delay: 5}
          - name: deploy
            action: core.echo
          - name: alert
            action: core.echo
        # the end
    """
    assert fix_text(tmp_path, before) == dedent(after)


def test_decision_and_on_complete_and_a_lone_publish(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        tasks:
          - name: check
            action: core.echo
            on_complete: log   # always
            decision:   # branches
              # the good case
              - when: "{{ result().ok }}"   # ok?
                next: done   # yes
              - default: true
                next: retry
          - name: publish_only
            action: core.echo
            publish:
              - seen: true
          - name: log
            action: core.echo
          - name: done
            action: core.echo
          - name: retry
            action: core.echo
    """
    after = """
        version: "1.0.0"
        tasks:
          - name: check
            action: core.echo
            next:
              - do: [log]  # always
              # branches
              # the good case
              - when: "{{ result().ok }}"  # ok?
                do: [done]  # yes
              - do: [retry]
          - name: publish_only
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                publish:
                  - seen: true
          - name: log
            action: core.echo
          - name: done
            action: core.echo
          - name: retry
            action: core.echo
    """
    assert fix_text(tmp_path, before) == dedent(after)


def test_publish_goes_on_the_first_transition_when_none_is_succeeded(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_failure: b
            publish: [{x: 1}]   # flow style stays
          - name: b
            action: core.echo
    """
    after = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ failed() }}"
                publish: [{x: 1}]  # flow style stays
                do: [b]
          - name: b
            action: core.echo
    """
    assert fix_text(tmp_path, before) == dedent(after)


def test_sub_tasks_one_level_down_are_migrated_deeper_ones_are_not(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        tasks:
          - name: fan
            type: parallel
            tasks:
              - name: one
                action: core.echo
                on_success: two   # sub-task
                tasks:
                  - name: deep
                    action: core.echo
                    on_success: two
              - name: two
                action: core.echo
    """
    after = """
        version: "1.0.0"
        tasks:
          - name: fan
            type: parallel
            tasks:
              - name: one
                action: core.echo
                next:
                  - when: "{{ succeeded() }}"
                    do: [two]  # sub-task
                tasks:
                  - name: deep
                    action: core.echo
                    on_success: two
              - name: two
                action: core.echo
    """
    assert fix_text(tmp_path, before, select=("AL310",)) == dedent(after)


def test_unquoted_version_is_quoted_with_the_authors_text(tmp_path: Path) -> None:
    before = """
        # top
        version: 1.10   # not 1.1
        tasks:
          - name: a
            action: core.echo
    """
    assert fix_text(tmp_path, before) == dedent(before).replace("version: 1.10", 'version: "1.10"')


def test_do_string_becomes_a_list_and_vars_list_becomes_a_map(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        vars:
          # counters
          - count: 1   # start
          - names:
              - a   # first
              - b
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"   # fine
                do: b  # one target
          - name: b
            action: core.echo
    """
    after = """
        version: "1.0.0"
        vars:
          # counters
          count: 1   # start
          names:
            - a   # first
            - b
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"   # fine
                do: [b]  # one target
          - name: b
            action: core.echo
    """
    assert fix_text(tmp_path, before) == dedent(after)


def test_jinja_filters_become_function_calls(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        vars:
          items: []
        tasks:
          - name: a
            action: core.echo
            input:
              # how many
              count: "{{ workflow.items | length }}"   # a count
              text: "{{ (workflow.items | first_or_none) }}"
              upper: '{{ workflow.items | join(", ") | upper }}'
    """
    after = """
        version: "1.0.0"
        vars:
          items: []
        tasks:
          - name: a
            action: core.echo
            input:
              # how many
              count: "{{ length(workflow.items) }}"   # a count
              text: "{{ (workflow.items | first_or_none) }}"
              upper: '{{ upper(join(workflow.items, ", ")) }}'
    """
    assert fix_text(tmp_path, before) == dedent(after)


def test_empty_map_where_a_list_is_read(tmp_path: Path) -> None:
    pack = 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n# needs nothing\ndependencies: {}   # none\n'
    text = fix_text(tmp_path, pack, relative="acme/pack.yaml")
    assert text == 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n# needs nothing\ndependencies: []   # none\n'


def test_unsafe_fixes_only_with_the_flag(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [b]
            # dropped by the platform
            on_failure: b   # ignored
            timout: 30   # typo
          - name: b
            action: core.echo
    """
    assert fix_text(tmp_path, before) == dedent(before)
    after = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [b]
            # dropped by the platform
            timeout: 30   # typo
          - name: b
            action: core.echo
    """
    assert fix_text(tmp_path / "u", before, unsafe=True) == dedent(after)


def test_output_schema_on_an_action_is_renamed_only_with_unsafe_fixes(tmp_path: Path) -> None:
    action = """
        ref: acme.hello
        label: Hello
        runner_type: python
        entry_point: hello.py
        # what it returns
        output_schema:   # old name
          greeting: {type: string}
    """
    relative = "acme/actions/hello.yaml"
    extra = {"acme/actions/hello.py": "print('hi')\n"}
    assert fix_text(tmp_path, action, relative=relative, extra=extra) == dedent(action)
    fixed = fix_text(tmp_path / "u", action, relative=relative, extra=extra, unsafe=True)
    assert fixed == dedent(action).replace("output_schema:   #", "output:   #")


def test_a_file_with_nothing_to_fix_is_byte_identical(tmp_path: Path) -> None:
    text = 'version:   "1.0.0"\ntasks:\n- name: a    # odd spacing\n  action:   core.echo\r\n'
    assert fix_text(tmp_path, text) == text


def test_comments_of_fields_that_make_no_transition_are_kept(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_failure:   # nothing on failure
            # nothing to publish
            publish: []  # empty
            on_success: b
          - name: b
            action: core.echo
    """
    after = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            # nothing on failure
            # nothing to publish
            # empty
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.echo
    """
    assert fix_text(tmp_path, before) == dedent(after)


def test_a_block_scalar_at_the_end_of_a_moved_publish_keeps_the_next_task(tmp_path: Path) -> None:
    """The composer ends a block scalar at the start of the next line: the moved region
    once swallowed that line, deleting the task that followed (found in review)."""
    before = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_success: c
            publish:
              - y: |
                  text
          - name: b
            type: parallel
            tasks:
              - name: s1
                action: core.noop
          - name: c
            action: core.noop
    """
    after = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                publish:
                  - y: |
                      text
                do: [c]
          - name: b
            type: parallel
            tasks:
              - name: s1
                action: core.noop
          - name: c
            action: core.noop
    """
    assert fix_text(tmp_path, before) == dedent(after)


def test_a_block_scalar_legacy_field_removed_alone(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [c]
            on_failure: >-
              c
            timeout: 30
          - name: c
            action: core.noop
    """
    after = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [c]
            timeout: 30
          - name: c
            action: core.noop
    """
    assert fix_text(tmp_path, before, unsafe=True) == dedent(after)


def test_comments_between_a_legacy_key_and_its_value_move_with_it(tmp_path: Path) -> None:
    before = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_success:   # TODO: switch to deploy_v2
              b
            on_failure:
              # page the on-call
              c  # the pager
          - name: b
            action: core.noop
          - name: c
            action: core.noop
    """
    after = """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              # TODO: switch to deploy_v2
              - when: "{{ succeeded() }}"
                do: [b]
              # page the on-call
              - when: "{{ failed() }}"
                do: [c]  # the pager
          - name: b
            action: core.noop
          - name: c
            action: core.noop
    """
    assert fix_text(tmp_path, before) == dedent(after)
