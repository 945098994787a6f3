; Definitions
(class name: [(constant) (scope_resolution)] @name.definition.class) @definition.class
(module name: [(constant) (scope_resolution)] @name.definition.module) @definition.module
(method name: (_) @name.definition.method) @definition.method
(singleton_method name: (_) @name.definition.method) @definition.method
(program (assignment left: (constant) @name.definition.constant) @definition.constant)

; References
(call method: (identifier) @name.reference.call)
(superclass (constant) @name.reference.class)

; Imports
(call method: (identifier) @_req (#match? @_req "^require(_relative)?$") arguments: (argument_list (string (string_content) @import.source)))
