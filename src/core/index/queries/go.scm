; Definitions
(function_declaration name: (identifier) @name.definition.function) @definition.function
(method_declaration
  receiver: (parameter_list (parameter_declaration type: [(type_identifier) @receiver (pointer_type (type_identifier) @receiver)]))
  name: (field_identifier) @name.definition.method) @definition.method
(type_declaration (type_spec name: (type_identifier) @name.definition.class type: (struct_type))) @definition.class
(type_declaration (type_spec name: (type_identifier) @name.definition.interface type: (interface_type))) @definition.interface
(type_declaration (type_spec name: (type_identifier) @name.definition.type type: [(type_identifier) (qualified_type) (function_type) (map_type) (slice_type) (pointer_type) (array_type) (channel_type) (generic_type)])) @definition.type
(source_file (const_declaration (const_spec name: (identifier) @name.definition.constant)) @definition.constant)
(source_file (var_declaration (var_spec name: (identifier) @name.definition.constant)) @definition.constant)

; References
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (selector_expression field: (field_identifier) @name.reference.call))
(type_identifier) @name.reference.type

; Imports
(import_spec path: (interpreted_string_literal) @import.source)
