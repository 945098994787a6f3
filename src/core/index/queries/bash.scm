; Definitions
(function_definition name: (word) @name.definition.function) @definition.function
(program (variable_assignment name: (variable_name) @name.definition.constant) @definition.constant)

; References
(command name: (command_name (word) @name.reference.call))

; Imports
(command name: (command_name (word) @_src (#match? @_src "^(source|\\.)$")) argument: (word) @import.source)
