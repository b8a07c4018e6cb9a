public enum Literate {}
